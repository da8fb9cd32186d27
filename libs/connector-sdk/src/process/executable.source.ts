// A Source over an executable: check and discover run it once; read streams its RECORD and STATE
// messages as batches, with config, catalog and state passed as files (Airbyte's `--state` takes
// the list of state objects, not whole messages).
import type { AirbyteCatalog, ConfiguredAirbyteCatalog, ConnectionStatus, JsonObject, StateMessage } from '@tributary/protocol';
import type { ConnectorContext, MessageBatch, Source } from '../connector';
import { SystemError } from '../errors';
import type { ExecutableDefinition, ExecutableTimeouts } from './executable.definition';
import { ExecutableRunner } from './executable.connector';
import { createProtocolFiles } from './protocol-files';
import { normalizeCatalog } from './schema-dialect';

export class ExecutableSource implements Source<JsonObject> {
  readonly runner: ExecutableRunner;

  constructor(definition: ExecutableDefinition, timeouts?: ExecutableTimeouts) {
    this.runner = new ExecutableRunner(definition, timeouts);
  }

  check(config: JsonObject, context: ConnectorContext): Promise<ConnectionStatus> {
    return this.runner.check(config, context);
  }

  async discover(config: JsonObject, context: ConnectorContext): Promise<AirbyteCatalog> {
    const files = await createProtocolFiles();
    try {
      const messages = await this.runner.collect(['discover', '--config', await files.write('config.json', config)], context);
      const found = messages.findLast((m) => m.type === 'CATALOG');
      if (found?.type !== 'CATALOG') throw new SystemError(`${this.runner.definition.command} discover printed no CATALOG message`);
      return normalizeCatalog(found.catalog);
    } finally {
      await files.remove();
    }
  }

  async *read(config: JsonObject, catalog: ConfiguredAirbyteCatalog, state: StateMessage[], context: ConnectorContext): AsyncGenerator<MessageBatch> {
    const files = await createProtocolFiles();
    try {
      const operation = ['read', '--config', await files.write('config.json', config), '--catalog', await files.write('catalog.json', catalog)];
      if (state.length) operation.push('--state', await files.write('state.json', state.map((message) => message.state)));
      const child = this.runner.start(operation, context, this.runner.timeouts.syncMs);
      let finished = false;
      try {
        for await (const batch of child.messages()) {
          const forward = batch.filter((message) => message.type === 'RECORD' || message.type === 'STATE' || message.type === 'TRACE' || message.type === 'CONTROL');
          if (forward.length) yield forward;
        }
        finished = true;
        await child.wait();
      } finally {
        // The consumer stopped early (or failed): the child must not outlive the read.
        if (!finished) await child.kill();
      }
    } finally {
      await files.remove();
    }
  }
}
