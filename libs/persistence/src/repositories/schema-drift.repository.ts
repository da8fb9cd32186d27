// Schema drift, decided and recorded in one place for the worker (before every sync) and the API
// (detection on demand, approvals): compares the connection's accepted catalog with a freshly
// discovered one, applies the connection's policy and keeps the change log.
import type { DataSource, EntityManager } from 'typeorm';
import {
  adoptCatalog,
  describeSchemaChange,
  diffCatalogs,
  type AirbyteStream,
  type SchemaChange,
  type StreamSelection,
} from '@tributary/protocol';
import { ActorCatalogEntity, ConnectionEntity, SchemaChangeEntity, type SchemaChangeAction } from '../entities';

export interface DriftEvaluation {
  /** 'unchanged' when the source matches what the connection accepted. */
  action: SchemaChangeAction | 'unchanged';
  changes: SchemaChange[];
  change?: SchemaChangeEntity;
  /** The catalog and stream selections the sync runs with. */
  catalog: ActorCatalogEntity;
  selections: StreamSelection[];
  /** Why the sync must not run, when it must not. */
  blockedReason?: string;
}

export interface DriftInput {
  connection: ConnectionEntity;
  current: ActorCatalogEntity;
  jobId?: string;
  /** The default selection of a newly discovered stream (depends on the destination's modes). */
  defaults: (stream: AirbyteStream) => StreamSelection;
}

export class SchemaChangeNotPendingError extends Error {}

export function summarizeChanges(changes: SchemaChange[]): string {
  const shown = changes.slice(0, 5).map(describeSchemaChange);
  return changes.length > 5 ? `${shown.join('; ')}; and ${changes.length - 5} more` : shown.join('; ');
}

export class SchemaDriftRepository {
  constructor(private readonly dataSource: DataSource) {}

  async evaluate(input: DriftInput): Promise<DriftEvaluation> {
    return this.dataSource.transaction(async (manager) => {
      const connections = manager.getRepository(ConnectionEntity);
      // Serialise evaluations of one connection (a sync and an on-demand detection at once).
      const connection = await connections.findOne({ where: { id: input.connection.id }, lock: { mode: 'pessimistic_write' } });
      if (!connection) throw new Error(`connection ${input.connection.id} no longer exists`);
      const accepted = connection.catalogId ? await manager.getRepository(ActorCatalogEntity).findOne({ where: { id: connection.catalogId } }) : null;
      const unchanged = (catalog: ActorCatalogEntity): DriftEvaluation => ({ action: 'unchanged', changes: [], catalog, selections: connection.streams });
      if (!accepted) {
        await connections.update(connection.id, { catalogId: input.current.id });
        return unchanged(input.current);
      }
      if (accepted.catalogHash === input.current.catalogHash) return unchanged(accepted);
      const changes = diffCatalogs(accepted.catalog, input.current.catalog, connection.streams);
      if (!changes.length) {
        await connections.update(connection.id, { catalogId: input.current.id });
        return unchanged(input.current);
      }

      const previous = await this.previousDecision(manager, connection.id, input.current.catalogHash);
      if (previous && (previous.action === 'ignored' || previous.action === 'rejected')) {
        return { action: previous.action, changes, change: previous, catalog: accepted, selections: connection.streams };
      }
      if (previous && previous.action === 'pending_approval') {
        return { action: 'pending_approval', changes, change: previous, catalog: accepted, selections: connection.streams, blockedReason: this.pendingReason(changes) };
      }

      const breaking = changes.some((c) => c.breaking);
      const policy = connection.schemaChangePolicy;
      const action: SchemaChangeAction = breaking
        ? policy.breaking === 'pause'
          ? 'paused'
          : 'failed'
        : ({ propagate_all: 'propagated', propagate_columns: 'propagated', ignore: 'ignored', approve: 'pending_approval', pause: 'paused' } as const)[policy.nonBreaking];
      const change = await manager.getRepository(SchemaChangeEntity).save(
        manager.getRepository(SchemaChangeEntity).create({
          connectionId: connection.id,
          jobId: input.jobId ?? null,
          catalogId: input.current.id,
          changes,
          breaking,
          action,
          resolvedAt: action === 'pending_approval' ? null : new Date(),
        }),
      );
      const summary = summarizeChanges(changes);
      switch (action) {
        case 'propagated': {
          const streams = adoptCatalog(connection.streams, input.current.catalog, input.defaults, policy.nonBreaking === 'propagate_all' ? 'selected' : 'unselected');
          await connections.update(connection.id, { streams, catalogId: input.current.id });
          return { action, changes, change, catalog: input.current, selections: streams };
        }
        case 'ignored':
          return { action, changes, change, catalog: accepted, selections: connection.streams };
        case 'pending_approval':
          return { action, changes, change, catalog: accepted, selections: connection.streams, blockedReason: this.pendingReason(changes) };
        case 'paused': {
          const reason = `paused because the source schema changed (${breaking ? 'breaking' : 'non-breaking'}): ${summary}`;
          await connections.update(connection.id, { status: 'paused', statusReason: reason });
          return { action, changes, change, catalog: accepted, selections: connection.streams, blockedReason: reason };
        }
        default:
          return { action, changes, change, catalog: accepted, selections: connection.streams, blockedReason: `the source schema changed in a breaking way: ${summary}` };
      }
    });
  }

  /** Adopts a pending change's catalog (new streams selected with their defaults). */
  async approve(changeId: string, defaults: (stream: AirbyteStream) => StreamSelection): Promise<SchemaChangeEntity> {
    return this.resolve(changeId, 'approved', async (manager, change, connection) => {
      const catalog = await manager.getRepository(ActorCatalogEntity).findOneOrFail({ where: { id: change.catalogId } });
      const streams = adoptCatalog(connection.streams, catalog.catalog, defaults, 'selected');
      await manager.getRepository(ConnectionEntity).update(connection.id, { streams, catalogId: catalog.id });
    });
  }

  /** Keeps the accepted catalog; the same change is ignored from now on. */
  reject(changeId: string): Promise<SchemaChangeEntity> {
    return this.resolve(changeId, 'rejected', async () => undefined);
  }

  list(connectionId: string, limit: number, offset: number): Promise<[SchemaChangeEntity[], number]> {
    return this.dataSource.getRepository(SchemaChangeEntity).findAndCount({ where: { connectionId }, order: { detectedAt: 'DESC' }, take: limit, skip: offset });
  }

  get(changeId: string): Promise<SchemaChangeEntity | null> {
    return this.dataSource.getRepository(SchemaChangeEntity).findOne({ where: { id: changeId } });
  }

  private pendingReason(changes: SchemaChange[]): string {
    return `a schema change awaits approval (approve or reject it in the console or API): ${summarizeChanges(changes)}`;
  }

  private async previousDecision(manager: EntityManager, connectionId: string, catalogHash: string): Promise<SchemaChangeEntity | null> {
    return manager
      .getRepository(SchemaChangeEntity)
      .createQueryBuilder('change')
      .innerJoin(ActorCatalogEntity, 'catalog', 'catalog.id = change.catalog_id')
      .where('change.connection_id = :connectionId AND catalog.catalog_hash = :catalogHash', { connectionId, catalogHash })
      .orderBy('change.detected_at', 'DESC')
      .getOne();
  }

  private async resolve(
    changeId: string,
    action: 'approved' | 'rejected',
    apply: (manager: EntityManager, change: SchemaChangeEntity, connection: ConnectionEntity) => Promise<void>,
  ): Promise<SchemaChangeEntity> {
    return this.dataSource.transaction(async (manager) => {
      const changes = manager.getRepository(SchemaChangeEntity);
      const change = await changes.findOne({ where: { id: changeId }, lock: { mode: 'pessimistic_write' } });
      if (!change || change.action !== 'pending_approval') throw new SchemaChangeNotPendingError(change ? `schema change ${changeId} is ${change.action.replace('_', ' ')}, not pending approval` : `schema change ${changeId} does not exist`);
      const connection = await manager.getRepository(ConnectionEntity).findOneOrFail({ where: { id: change.connectionId } });
      await apply(manager, change, connection);
      change.action = action;
      change.resolvedAt = new Date();
      return changes.save(change);
    });
  }
}
