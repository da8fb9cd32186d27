// `tributary connector write`: feeds protocol messages (JSON lines on stdin: what `connector read`
// prints) to a destination — a package directory or an executable — and prints, as JSON lines,
// the STATE messages each commit made durable followed by a LOG line with the commit's position
// and counts. Exit 0 once the final commit is in; 1 when the destination failed or a line is not a
// protocol message (reported with its number and text, nothing more is written).
import { createInterface } from 'node:readline';
import type { DestinationCommit, MessageBatch } from '@tributary/connector-sdk';
import { parseProtocolLine, quoteLine } from '@tributary/connector-sdk/process';
import type { ConfiguredAirbyteCatalog, JsonObject } from '@tributary/protocol';
import { CliException, CliExceptionCode } from '../cli.exception';
import { type ConnectorCommandIo, type ConnectorTarget, defaultIo, readObject, resolveTarget } from './connector.command';

export interface WriteCommandOptions {
  config: string;
  catalog: string;
  /** Names the sync (outputs are named after it); default `local-<time>`. */
  syncId?: string;
  /** A JSON file with the position of a previous commit of the same sync, to resume after it. */
  resumePosition?: string;
}

/** Messages per batch handed to the destination; a STATE message also ends a batch. */
const BATCH_SIZE = 1000;

export async function writeCommand(target: ConnectorTarget, options: WriteCommandOptions, input: AsyncIterable<string> = stdinLines(), io: ConnectorCommandIo = defaultIo()): Promise<number> {
  const { implementation } = await resolveTarget({ ...target, kind: 'destination' });
  if (implementation.kind !== 'destination') throw new CliException(CliExceptionCode.INVALID_CONFIG, 'write needs a destination');
  const config = readObject(options.config, 'config');
  const catalog = readObject(options.catalog, 'catalog') as unknown as ConfiguredAirbyteCatalog;
  if (!Array.isArray(catalog.streams)) throw new CliException(CliExceptionCode.INVALID_CONFIG, `the catalog file ${options.catalog} must be a configured catalog: {"streams": [{"stream": …, "sync_mode": …, "destination_sync_mode": …}]}`);
  const resumePosition = options.resumePosition ? readObject(options.resumePosition, 'resume position') : undefined;
  const syncId = options.syncId ?? `local-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const destination = implementation.create();
  const commits = destination.write(config, catalog, batches(input), { ...io, syncId, ...(resumePosition ? { resumePosition } : {}) });
  for await (const commit of commits) printCommit(commit, io);
  return 0;
}

function printCommit(commit: DestinationCommit, io: ConnectorCommandIo): void {
  for (const state of commit.states) io.out(JSON.stringify(state));
  const records = Object.values(commit.stats).reduce((sum, s) => sum + s.records, 0);
  const summary: JsonObject = { states: commit.states.length, records, stats: commit.stats as unknown as JsonObject, ...(commit.position ? { position: commit.position } : {}) };
  io.out(JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: `commit ${JSON.stringify(summary)}` } }));
}

/** Groups input lines into batches, ending one at every STATE message so it can be committed at once. */
async function* batches(lines: AsyncIterable<string>): AsyncGenerator<MessageBatch> {
  let batch: MessageBatch = [];
  let number = 0;
  for await (const line of lines) {
    number++;
    const parsed = parseProtocolLine(line);
    if ('empty' in parsed) continue;
    if ('malformed' in parsed) throw new CliException(CliExceptionCode.INVALID_CONFIG, `input line ${number} is not a protocol message (${parsed.malformed}): ${quoteLine(line)}`);
    const message = parsed.message;
    // Only records and states concern a destination; logs and traces from `connector read` pass by.
    if (message.type !== 'RECORD' && message.type !== 'STATE') continue;
    batch.push(message);
    if (message.type === 'STATE' || batch.length >= BATCH_SIZE) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * stdin as lines. The iterator is created at once: readline emits lines as soon as they arrive, and
 * an iterator created later (once the destination is ready to read) would have missed them — and
 * the end of the input with them, leaving the command waiting on nothing.
 */
function stdinLines(): AsyncIterable<string> {
  const iterator = createInterface({ input: process.stdin, crlfDelay: Infinity })[Symbol.asyncIterator]();
  return { [Symbol.asyncIterator]: () => iterator };
}
