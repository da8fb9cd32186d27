import type { Metadata } from 'next';
import { ActorListPage } from '../../../components/actors/actor-pages';

export const metadata: Metadata = { title: 'Sources' };

export default function Page() {
  return <ActorListPage kind="source" />;
}
