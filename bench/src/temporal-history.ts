// What a sync costs Temporal: the number of events in the sync workflow's history and the largest
// payload in it (inputs, results, heartbeat details, failures), read with @temporalio/client.
import { Client, Connection } from '@temporalio/client';

export interface HistoryFigures {
  workflowId: string;
  runId: string | undefined;
  historyEvents: number;
  payloads: number;
  largestPayloadBytes: number;
}

export class TemporalHistoryReader {
  private constructor(
    private readonly connection: Connection,
    private readonly client: Client,
  ) {}

  static async connect(address: string, namespace: string): Promise<TemporalHistoryReader> {
    const connection = await Connection.connect({ address });
    return new TemporalHistoryReader(connection, new Client({ connection, namespace }));
  }

  /** The latest run of the workflow (the sync just finished). */
  async figures(workflowId: string): Promise<HistoryFigures> {
    const handle = this.client.workflow.getHandle(workflowId);
    const [history, description] = await Promise.all([handle.fetchHistory(), handle.describe()]);
    let payloads = 0;
    let largest = 0;
    for (const event of history.events ?? []) {
      walkPayloads(event, (bytes) => {
        payloads++;
        largest = Math.max(largest, bytes);
      });
    }
    return { workflowId, runId: description.runId, historyEvents: history.events?.length ?? 0, payloads, largestPayloadBytes: largest };
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

/** Calls `visit` with the size (data + metadata) of every Payload object found under `value`. */
function walkPayloads(value: unknown, visit: (bytes: number) => void, depth = 0): void {
  if (!value || typeof value !== 'object' || depth > 40 || value instanceof Uint8Array) return;
  const record = value as Record<string, unknown>;
  if (record['data'] instanceof Uint8Array && 'metadata' in record) {
    let bytes = record['data'].length;
    for (const [key, meta] of Object.entries((record['metadata'] ?? {}) as Record<string, unknown>)) {
      bytes += key.length + (meta instanceof Uint8Array ? meta.length : 0);
    }
    visit(bytes);
    return;
  }
  for (const child of Array.isArray(value) ? value : Object.values(record)) walkPayloads(child, visit, depth + 1);
}
