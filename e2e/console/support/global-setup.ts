// Starts what the console tests run against and returns the teardown that stops it all:
// the test Temporal server and PostgreSQL (tools/testing), the built API and a worker (startStack),
// and the built console (`next start`) on a free port, pointed at that API.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import startTestInfrastructure, { stopTestInfrastructure, takeTestInfrastructure } from '../../../tools/testing/global-setup';
import { startStack, type Stack } from '../../../tools/testing';
import { CONSOLE_ENV } from './console-env';

const ROOT = resolve(__dirname, '..', '..', '..');
const CONSOLE_DIR = join(ROOT, 'apps', 'console');
const NEXT_BIN = join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const EXIT_WITH_PARENT = join(ROOT, 'tools', 'testing', 'exit-with-parent.js');
const ECHO = process.env['TRIBUTARY_TEST_ECHO'] === '1';

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the console exited with ${child.exitCode} while starting:\n${output()}`);
    try {
      const response = await fetch(url, { redirect: 'manual' });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the console did not answer ${url} within ${timeoutMs / 1000} s:\n${output()}`);
}

async function startConsole(apiUrl: string): Promise<{ url: string; stop: () => Promise<void> }> {
  if (!existsSync(join(CONSOLE_DIR, '.next', 'BUILD_ID'))) throw new Error('apps/console/.next is missing: build first ("npm run build").');
  const port = await freePort();
  const lines: string[] = [];
  const child = spawn(process.execPath, ['--require', EXIT_WITH_PARENT, NEXT_BIN, 'start', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: CONSOLE_DIR,
    env: { ...process.env, TRIBUTARY_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      lines.push(line);
      if (ECHO) process.stderr.write(`[console] ${line}\n`);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/sign-in`, child, () => lines.join('\n'));
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  await startTestInfrastructure();
  let stack: Stack | undefined;
  let consoleServer: { url: string; stop: () => Promise<void> } | undefined;
  const teardown = async () => {
    await consoleServer?.stop();
    await stack?.stop();
    const infrastructure = takeTestInfrastructure();
    if (infrastructure) await stopTestInfrastructure(infrastructure);
  };
  try {
    stack = await startStack({ workers: 1 });
    consoleServer = await startConsole(stack.apiUrl);
  } catch (error) {
    await teardown();
    throw error;
  }
  process.env[CONSOLE_ENV.consoleUrl] = consoleServer.url;
  process.env[CONSOLE_ENV.apiUrl] = stack.apiUrl;
  process.env[CONSOLE_ENV.apiToken] = stack.token;
  return teardown;
}
