// What executable sources and destinations share: running one operation to completion and
// picking the message it answers with (spec, check, discover).
import type { ConnectionStatus, ConnectorSpecification, JsonObject, ProtocolMessage } from '@tributary/protocol';
import type { ConnectorContext } from '../connector';
import { classifyError, SystemError } from '../errors';
import { ConnectorProcess } from './connector.process';
import type { ExecutableDefinition, ExecutableTimeouts } from './executable.definition';
import { createProtocolFiles } from './protocol-files';
import { normalizeSpec } from './schema-dialect';

const DEFAULT_OPERATION_MS = 5 * 60_000;

export class ExecutableRunner {
  constructor(
    readonly definition: ExecutableDefinition,
    readonly timeouts: ExecutableTimeouts = {},
  ) {}

  /** Runs an operation to its end: every message it printed, and how it failed if it did. */
  async run(operation: string[], context: ConnectorContext): Promise<{ messages: ProtocolMessage[]; failure?: unknown }> {
    const child = this.start(operation, context, this.timeouts.operationMs ?? DEFAULT_OPERATION_MS);
    const messages: ProtocolMessage[] = [];
    try {
      for await (const batch of child.messages()) messages.push(...batch);
    } catch (error) {
      await child.kill();
      throw error;
    }
    try {
      await child.wait();
      return { messages };
    } catch (failure) {
      return { messages, failure };
    }
  }

  /** Runs an operation and returns the messages; throws when it failed. */
  async collect(operation: string[], context: ConnectorContext): Promise<ProtocolMessage[]> {
    const { messages, failure } = await this.run(operation, context);
    if (failure) throw failure;
    return messages;
  }

  start(operation: string[], context: ConnectorContext, timeoutMs?: number): ConnectorProcess {
    return new ConnectorProcess({ definition: this.definition, operation, logger: context.logger, signal: context.signal, timeoutMs, killGraceMs: this.timeouts.killGraceMs });
  }

  async spec(context: ConnectorContext): Promise<ConnectorSpecification> {
    const messages = await this.collect(['spec'], context);
    const found = messages.find((m) => m.type === 'SPEC');
    if (!found || found.type !== 'SPEC') throw new SystemError(`${this.definition.command} spec printed no SPEC message`);
    return normalizeSpec(found.spec);
  }

  /** A failed check is a FAILED status with the reason, never a throw (unless cancelled). */
  async check(config: JsonObject, context: ConnectorContext): Promise<ConnectionStatus> {
    const files = await createProtocolFiles();
    try {
      const configPath = await files.write('config.json', config);
      const { messages, failure } = await this.run(['check', '--config', configPath], context);
      if (failure && context.signal.aborted) throw failure;
      // Some connectors exit non-zero after printing a FAILED status: the status is the answer.
      const status = statusOf(messages);
      if (status) return status;
      return { status: 'FAILED', message: failure ? classifyError(failure).message : `${this.definition.command} check printed no CONNECTION_STATUS message` };
    } finally {
      await files.remove();
    }
  }
}

function statusOf(messages: ProtocolMessage[]): ConnectionStatus | undefined {
  const found = messages.findLast((m) => m.type === 'CONNECTION_STATUS');
  return found?.type === 'CONNECTION_STATUS' ? found.connectionStatus : undefined;
}
