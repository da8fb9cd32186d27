import type { Metadata } from 'next';
import { ConnectionSettings } from '../../../../../components/connections/connection-settings';
import { getConnection } from '../../../../../lib/connections';

export const metadata: Metadata = { title: 'Connection settings' };

export default async function SettingsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const connection = await getConnection(id);
  return <ConnectionSettings key={connection.id} connection={connection} />;
}
