import { createServer, type Server } from 'node:net';
import { assertPortFree, findFreePort, isPortFree } from './free-port';
import { StackExceptionCode } from './stack.exception';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('free ports', () => {
  it('finds a port that can then be bound', async () => {
    const port = await findFreePort();
    expect(port).toBeGreaterThan(0);
    const server = await listen(port);
    server.close();
  });

  it('tells a taken port from a free one', async () => {
    const port = await findFreePort();
    await expect(isPortFree(port)).resolves.toBe(true);
    const server = await listen(port);
    try {
      await expect(isPortFree(port)).resolves.toBe(false);
    } finally {
      server.close();
    }
  });

  it('names the variable to change when a port is taken', async () => {
    const server = await listen(await findFreePort());
    const port = (server.address() as { port: number }).port;
    try {
      await expect(assertPortFree(port, 'the API', 'API_PORT')).rejects.toMatchObject({
        code: StackExceptionCode.PORT_IN_USE,
        message: expect.stringContaining('set API_PORT to a free port'),
      });
    } finally {
      server.close();
    }
  });
});
