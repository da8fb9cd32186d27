// Check and discover run on the worker, never in the API process: connector code (and its
// crashes) stays where syncs run. The discovered catalog is stored; only its id goes back.
import { Context } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import { classifyError, ConfigError, type JsonLogger } from '@tributary/connector-sdk';
import { ExecutableRunner } from '@tributary/connector-sdk/process';
import { assertValidSchema, type ConnectorSpecification } from '@tributary/protocol';
import type { CheckResult, CheckWorkflowInput, ConnectorActivities, DiscoverResult, DiscoverWorkflowInput, ExecutableSpecInput } from '@tributary/workflows';
import type { ActorLoader } from '../actor-loader';
import { discoverAndStore } from './catalog-discovery';
import { toApplicationFailure } from './failure-mapping';

export interface ConnectorActivityDependencies {
  dataSource: DataSource;
  actors: ActorLoader;
  logger: JsonLogger;
}

const CHECK_TIMEOUT_MS = 60_000;
/** Running `spec` may start an interpreter or a container: give it time, but not forever. */
const SPEC_TIMEOUT_MS = 120_000;

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

  async function executableSpec(input: ExecutableSpecInput): Promise<ConnectorSpecification> {
    const logger = deps.logger.child({ operation: 'spec', command: input.command });
    try {
      const spec = await new ExecutableRunner(input, { operationMs: SPEC_TIMEOUT_MS }).spec({ logger, signal: Context.current().cancellationSignal });
      if (!spec.connectionSpecification || typeof spec.connectionSpecification !== 'object') throw new ConfigError('the SPEC message has no connectionSpecification');
      try {
        assertValidSchema(spec.connectionSpecification);
      } catch (error) {
        throw new ConfigError(`the spec is not a usable JSON Schema: ${(error as Error).message}`);
      }
      return spec;
    } catch (error) {
      const { message } = classifyError(error);
      // Whatever went wrong, it is the registration that must change: never retried.
      throw toApplicationFailure('config_error', `could not get the spec by running "${input.command} spec": ${message}`);
    }
  }

  return { checkConnector, discoverSource, executableSpec };
}
