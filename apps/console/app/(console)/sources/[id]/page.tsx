import type { Metadata } from 'next';
import { EditActorPage } from '../../../../components/actors/actor-pages';

export const metadata: Metadata = { title: 'Source' };

export default async function Page({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ test?: string }> }) {
  const [{ id }, { test }] = await Promise.all([params, searchParams]);
  return <EditActorPage kind="source" id={id} testOnOpen={test === '1'} />;
}
