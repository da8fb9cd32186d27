// Discovering a source's catalog and storing it: shared by the discover activity and by a sync
// that finds no stored catalog.
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ConnectorLogger } from '@tributary/connector-sdk';
import { ActorCatalogEntity } from '@tributary/persistence';
import type { LoadedActor } from '../actor-loader';

export async function discoverAndStore(dataSource: DataSource, source: LoadedActor<'source'>, signal: AbortSignal, logger: ConnectorLogger): Promise<ActorCatalogEntity> {
  const catalog = await source.connector.discover(source.config, { logger, signal });
  const catalogHash = createHash('sha256').update(JSON.stringify(catalog)).digest('hex');
  const catalogs = dataSource.getRepository(ActorCatalogEntity);
  const latest = await catalogs.findOne({ where: { actorId: source.actor.id }, order: { createdAt: 'DESC' } });
  if (latest && latest.catalogHash === catalogHash) return latest;
  return catalogs.save(catalogs.create({ actorId: source.actor.id, catalog, catalogHash }));
}
