import type { Metadata } from 'next';
import Link from 'next/link';
import { ConnectionList } from '../../../components/connections/connection-list';
import { connectionListView } from '../../../lib/connections';

export const metadata: Metadata = { title: 'Connections' };

const PAGE_SIZE = 25;

export default async function ConnectionsPage({ searchParams }: { searchParams: Promise<{ q?: string; page?: string }> }) {
  const { q = '', page = '1' } = await searchParams;
  const pageNumber = Math.max(1, Number.parseInt(page, 10) || 1);
  const view = await connectionListView(q, pageNumber, PAGE_SIZE);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Connections</h1>
          <p>Each connection syncs streams of a source into a destination.</p>
        </div>
        <Link className="button primary" href="/connections/new">
          New connection
        </Link>
      </div>
      <ConnectionList view={view} search={q} />
    </>
  );
}
