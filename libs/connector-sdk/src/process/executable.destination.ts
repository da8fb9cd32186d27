// A Destination over an executable: `write --config --catalog` with the messages on stdin as JSON
// lines. An Airbyte destination echoes a STATE message once the records before it are durable;
// each echo becomes a commit covering the states sent up to it, with the records and bytes sent
// before it. Input is written with backpressure (waiting for 'drain'), so a slow destination slows
// the source down instead of filling memory.
import { once } from 'node:events';
import type { ConfiguredAirbyteCatalog, ConnectionStatus, JsonObject, StateMessage } from '@tributary/protocol';
import { streamKey } from '@tributary/protocol';
import type { ConnectorContext, Destination, DestinationCommit, MessageBatch, WriteContext } from '../connector';
import type { ConnectorProcess } from './connector.process';
import type { ExecutableDefinition, ExecutableTimeouts } from './executable.definition';
import { ExecutableRunner } from './executable.connector';
import { createProtocolFiles } from './protocol-files';

type Stats = DestinationCommit['stats'];

interface SentState {
  key: string;
  message: StateMessage;
  /** What was sent between the previous state and this one. */
  stats: Stats;
}

export class ExecutableDestination implements Destination<JsonObject> {
  readonly runner: ExecutableRunner;

  constructor(definition: ExecutableDefinition, timeouts?: ExecutableTimeouts) {
    this.runner = new ExecutableRunner(definition, timeouts);
  }

  check(config: JsonObject, context: ConnectorContext): Promise<ConnectionStatus> {
    return this.runner.check(config, context);
  }

  async *write(config: JsonObject, catalog: ConfiguredAirbyteCatalog, input: AsyncIterable<MessageBatch>, context: WriteContext): AsyncGenerator<DestinationCommit> {
    const files = await createProtocolFiles();
    try {
      const operation = ['write', '--config', await files.write('config.json', config), '--catalog', await files.write('catalog.json', catalog)];
      const child = this.runner.start(operation, context, this.runner.timeouts.syncMs);
      const sent: SentState[] = [];
      const tail: { stats: Stats } = { stats: {} };
      const pump = pumpInput(child, input, sent, tail).then(
        () => undefined,
        (error: unknown) => {
          // The input failed (the source broke): stop the destination, report the input's error.
          void child.kill();
          return error;
        },
      );
      let finished = false;
      try {
        for await (const batch of child.messages()) {
          for (const message of batch) {
            if (message.type !== 'STATE') continue;
            const commit = settle(sent, JSON.stringify(message.state));
            if (commit) yield commit;
          }
        }
        const inputError = await pump;
        if (inputError) throw inputError;
        finished = true;
        await child.wait();
        // Everything sent is durable once the destination exits cleanly.
        const rest = sent.splice(0);
        yield { states: [], stats: merge([...rest.map((s) => s.stats), tail.stats]) };
      } finally {
        if (!finished) await child.kill();
        await pump;
      }
    } finally {
      await files.remove();
    }
  }
}

async function pumpInput(child: ConnectorProcess, input: AsyncIterable<MessageBatch>, sent: SentState[], tail: { stats: Stats }): Promise<void> {
  const stdin = child.child.stdin!;
  for await (const batch of input) {
    let text = '';
    for (const message of batch) {
      const line = `${JSON.stringify(message)}\n`;
      text += line;
      if (message.type === 'RECORD') {
        const key = streamKey({ name: message.record.stream, namespace: message.record.namespace });
        const entry = (tail.stats[key] ??= { records: 0, bytes: 0 });
        entry.records++;
        entry.bytes += Buffer.byteLength(line);
      } else if (message.type === 'STATE') {
        sent.push({ key: JSON.stringify(message.state), message, stats: tail.stats });
        tail.stats = {};
      }
    }
    if (stdin.destroyed) return;
    if (!stdin.write(text)) await Promise.race([once(stdin, 'drain'), once(stdin, 'close')]);
  }
  stdin.end();
}

/** The commit for an echoed state: it covers every state sent up to and including it. */
function settle(sent: SentState[], key: string): DestinationCommit | undefined {
  const index = sent.findIndex((s) => s.key === key);
  if (index < 0) return undefined;
  const covered = sent.splice(0, index + 1);
  return { states: covered.map((s) => s.message), stats: merge(covered.map((s) => s.stats)) };
}

function merge(all: Stats[]): Stats {
  const out: Stats = {};
  for (const stats of all) {
    for (const [key, { records, bytes }] of Object.entries(stats)) {
      const entry = (out[key] ??= { records: 0, bytes: 0 });
      entry.records += records;
      entry.bytes += bytes;
    }
  }
  return out;
}
