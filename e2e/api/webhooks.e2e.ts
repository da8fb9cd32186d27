// Webhooks end to end: a receiver of the test's own gets signed events for successful and failed
// syncs and for an auto-paused connection; a failed delivery is retried; the secret never shows.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startStack, type Stack } from '../../tools/testing/stack';
import { runJob as runSharedJob } from '../support/jobs';

const SECRET = 'whsec_e2e_0123456789abcdef';

interface Received {
  event: string;
  signature: string;
  body: string;
  payload: { type: string; connection: { id: string }; job?: { id: string; status: string; recordsCommitted: number } };
}

function verify(signature: string, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
  if (!match) return false;
  const expected = createHmac('sha256', SECRET).update(`${match[1]}.${body}`).digest('hex');
  return expected === match[2] && Math.abs(Date.now() / 1000 - Number(match[1])) < 600;
}

describe('webhooks', () => {
  let stack: Stack;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let refuseNext = 1;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        if (refuseNext > 0) {
          refuseNext--;
          response.writeHead(500).end('try again');
          return;
        }
        received.push({ event: String(request.headers['x-tributary-event']), signature: String(request.headers['x-tributary-signature']), body, payload: JSON.parse(body) as Received['payload'] });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    stack = await startStack({ workers: 1, workerEnv: { TRIBUTARY_AUTO_PAUSE_AFTER_FAILURES: '1' } });
  });

  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  async function waitFor(predicate: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(received.map((r) => r.event))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const runJob = (connectionId: string) => runSharedJob(stack, connectionId);

  it('delivers signed events, retries a failed delivery, and never shows the secret', async () => {
    const hook = await stack.request('POST', '/webhooks', { url: receiverUrl, secret: SECRET });
    expect(hook.status).toBe(201);
    expect(JSON.stringify(hook.body)).not.toContain(SECRET);
    expect(hook.body.events).toEqual(['sync.succeeded', 'sync.failed', 'schema_change.awaiting_approval', 'connection.auto_paused']);

    const source = await stack.request('POST', '/sources', { name: 'Faker', definitionId: 'source-faker', config: { count: 20 } });
    const destination = await stack.request('POST', '/destinations', { name: 'Files', definitionId: 'destination-local-files', config: { destination_path: join(stack.dataDir, 'out') } });
    const connection = await stack.request('POST', '/connections', { sourceId: source.body.id, destinationId: destination.body.id, streams: [{ name: 'users', syncMode: 'full_refresh_overwrite' }] });
    const job = await runJob(connection.body.id as string);
    expect(job.status).toBe('succeeded');

    await waitFor(() => received.some((r) => r.event === 'sync.succeeded'), 'sync.succeeded');
    const event = received.find((r) => r.event === 'sync.succeeded')!;
    expect(verify(event.signature, event.body)).toBe(true);
    expect(verify(event.signature, event.body.replace('succeeded', 'failed'))).toBe(false);
    expect(event.payload).toEqual(expect.objectContaining({ type: 'sync.succeeded', connection: expect.objectContaining({ id: connection.body.id }), job: expect.objectContaining({ id: job.id, status: 'succeeded', recordsCommitted: 20 }) }));

    const details = await stack.request('GET', `/webhooks/${hook.body.id}`);
    expect(details.body.deliveries).toEqual([expect.objectContaining({ event: 'sync.succeeded', status: 'delivered', attempts: 2 })]);
    expect(JSON.stringify(details.body)).not.toContain(SECRET);
  });

  it('announces a failed sync and the connection it paused', async () => {
    const blocker = join(stack.dataDir, 'blocker');
    writeFileSync(blocker, 'not a directory');
    const source = await stack.request('POST', '/sources', { name: 'Faker', definitionId: 'source-faker', config: { count: 5 } });
    const destination = await stack.request('POST', '/destinations', { name: 'Broken', definitionId: 'destination-local-files', config: { destination_path: join(blocker, 'x') } });
    const connection = await stack.request('POST', '/connections', { sourceId: source.body.id, destinationId: destination.body.id, streams: [{ name: 'users', syncMode: 'full_refresh_overwrite' }] });
    const job = await runJob(connection.body.id as string);
    expect(job.status).toBe('failed');
    // Each event is its own delivery activity, so they may arrive in either order.
    const arrived = (event: string) => () => received.some((r) => r.event === event && r.payload.connection.id === connection.body.id);
    await waitFor(arrived('sync.failed'), 'sync.failed');
    await waitFor(arrived('connection.auto_paused'), 'connection.auto_paused');
    const failed = received.find((r) => r.event === 'sync.failed' && r.payload.connection.id === connection.body.id)!;
    expect(verify(failed.signature, failed.body)).toBe(true);
    expect(failed.payload.job).toEqual(expect.objectContaining({ id: job.id, status: 'failed' }));
    const paused = received.find((r) => r.event === 'connection.auto_paused' && r.payload.connection.id === connection.body.id)!;
    expect(paused.payload.connection).toEqual(expect.objectContaining({ status: 'paused', statusReason: expect.stringMatching(/1 consecutive failed sync/) }));
  });

  it('rejects invalid webhooks with 400s naming the field', async () => {
    const bad = await stack.request('POST', '/webhooks', { url: 'ftp://x', secret: 'short', events: ['sync.exploded'] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'url' }), expect.objectContaining({ field: 'secret' }), expect.objectContaining({ field: 'events' })]));
  });
});
