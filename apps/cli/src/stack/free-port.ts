// Loopback ports: pick a free one, or check that a configured one is still free before a server
// is started on it, so a clash fails with a sentence instead of a server's stack trace.
import { createServer } from 'node:net';
import { StackException, StackExceptionCode } from './stack.exception';

export const LOOPBACK = '127.0.0.1';

/** A port the OS reports free on `host` right now (bind to port 0, read it, release it). */
export function findFreePort(host = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('the OS returned no port'))));
    });
  });
}

/** True when nothing listens on `host:port` and we may bind it. */
export function isPortFree(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Fails with PORT_IN_USE when `port` is taken. `what` names the server and `variable` the setting
 * that moves it, e.g. ('the Temporal dev server', 'TEMPORAL_PORT').
 */
export async function assertPortFree(port: number, what: string, variable: string, host = LOOPBACK): Promise<void> {
  if (await isPortFree(port, host)) return;
  throw new StackException(
    StackExceptionCode.PORT_IN_USE,
    `Port ${port} on ${host} is already in use, so ${what} cannot start there. Stop whatever uses it, or set ${variable} to a free port.`,
  );
}
