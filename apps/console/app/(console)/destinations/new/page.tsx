import type { Metadata } from 'next';
import { NewActorPage } from '../../../../components/actors/actor-pages';

export const metadata: Metadata = { title: 'New destination' };

export default async function Page({ searchParams }: { searchParams: Promise<{ definition?: string }> }) {
  const { definition } = await searchParams;
  return <NewActorPage kind="destination" definitionId={definition} />;
}
