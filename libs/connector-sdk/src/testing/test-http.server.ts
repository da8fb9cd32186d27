// A real HTTP server on the loopback interface for connector tests: it stands in for a SaaS API
// that cannot run here (DESIGN §7) — pagination, rate limits and auth failures are whatever the
// test's handler does. Every request is recorded; close() also ends kept-alive connections.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/users?page=2`. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestHttpReply {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  /** Wait this long before answering (to provoke timeouts). */
  delayMs?: number;
}

export type TestHttpHandler = (request: RecordedRequest) => TestHttpReply | Promise<TestHttpReply>;

export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: RecordedRequest[];
  /** Replaces the handler. */
  handle(handler: TestHttpHandler): void;
  close(): Promise<void>;
}

export async function startTestHttpServer(handler: TestHttpHandler = () => ({ status: 404 })): Promise<TestHttpServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const parsed = new URL(req.url ?? '/', 'http://localhost');
      const recorded: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', path: parsed.pathname, query: parsed.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      Promise.resolve()
        .then(() => current(recorded))
        .then(
          (reply) => send(res, reply, timers),
          (error: unknown) => send(res, { status: 500, body: { error: String(error) } }, timers),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      current = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, reply: TestHttpReply, timers: Set<NodeJS.Timeout>): void {
  const write = () => {
    if (res.destroyed) return;
    const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const headers: Record<string, string> = { ...(typeof reply.body === 'string' || reply.body === undefined ? {} : { 'content-type': 'application/json' }), ...reply.headers };
    res.writeHead(reply.status ?? 200, headers);
    res.end(text);
  };
  if (!reply.delayMs) return write();
  const timer = setTimeout(() => {
    timers.delete(timer);
    write();
  }, reply.delayMs);
  timers.add(timer);
}
