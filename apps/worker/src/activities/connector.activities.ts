// Check and discover run on the worker, never in the API process: connector code (and its
// crashes) stays where syncs run. The discovered catalog is stored; only its id goes back.
import { Context } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import { classifyError, type JsonLogger } from '@tributary/connector-sdk';
import type { CheckResult, CheckWorkflowInput, ConnectorActivities, DiscoverResult, DiscoverWorkflowInput } from '@tributary/workflows';
import type { ActorLoader } from '../actor-loader';
import { discoverAndStore } from './catalog-discovery';
import { toApplicationFailure } from './failure-mapping';

export interface ConnectorActivityDependencies {
  dataSource: DataSource;
  actors: ActorLoader;
  logger: JsonLogger;
}

const CHECK_TIMEOUT_MS = 60_000;

export function createConnectorActivities(deps: ConnectorActivityDependencies): ConnectorActivities {
  async function checkConnector(input: CheckWorkflowInput): Promise<CheckResult> {
    const loaded = input.actorKind === 'source' ? await deps.actors.load('source', input.actorId) : await deps.actors.load('destination', input.actorId);
    const logger = deps.logger.child({ actorId: input.actorId, operation: 'check' }, { secrets: loaded.secrets });
    const signal = AbortSignal.any([Context.current().cancellationSignal, AbortSignal.timeout(CHECK_TIMEOUT_MS)]);
    try {
      const status = await loaded.connector.check(loaded.config, { logger, signal });
      return status.status === 'SUCCEEDED' ? { status: 'succeeded' } : { status: 'failed', message: logger.redact(status.message ?? 'the check failed') };
    } catch (error) {
      const message = signal.aborted && !Context.current().cancellationSignal.aborted ? `the check did not finish within ${CHECK_TIMEOUT_MS / 1000} s` : classifyError(error).message;
      return { status: 'failed', message: logger.redact(message) };
    }
  }

  async function discoverSource(input: DiscoverWorkflowInput): Promise<DiscoverResult> {
    const source = await deps.actors.load('source', input.sourceId);
    const logger = deps.logger.child({ actorId: input.sourceId, operation: 'discover' }, { secrets: source.secrets });
    try {
      const stored = await discoverAndStore(deps.dataSource, source, Context.current().cancellationSignal, logger);
      return { catalogId: stored.id, streamCount: stored.catalog.streams.length };
    } catch (error) {
      const { failureType, message } = classifyError(error);
      throw toApplicationFailure(failureType, logger.redact(message));
    }
  }

  return { checkConnector, discoverSource };
}
