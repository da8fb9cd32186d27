// `tributary connector fixture [path]`: starts what a connector's conformance fixture sets up (a
// fake API on a local port, a test schema) and prints the good config it yields as one JSON line,
// then keeps it running until interrupted (Ctrl-C, SIGTERM) and tears it down. Handy to try a
// connector by hand, or in the platform, against its fake before pointing it at the real thing.
import { resolve } from 'node:path';
import { loadFixture } from '@tributary/connector-sdk/testing';
import { CliException, CliExceptionCode } from '../cli.exception';
import { registerTypeScriptFixtures } from './connector.command';

export async function fixtureCommand(path: string, out: (line: string) => void = (line) => void process.stdout.write(`${line}\n`)): Promise<number> {
  registerTypeScriptFixtures();
  let fixture;
  try {
    fixture = loadFixture(resolve(path));
  } catch (error) {
    throw new CliException(CliExceptionCode.INVALID_CONFIG, (error as Error).message);
  }
  const environment = (await fixture.setup?.()) ?? {};
  const config = environment.config ?? fixture.config;
  if (!config) {
    await environment.teardown?.();
    throw new CliException(CliExceptionCode.INVALID_CONFIG, 'the fixture yields no good config (config, or setup() returning one)');
  }
  out(JSON.stringify(config));
  process.stderr.write('The fixture is running; stop it with Ctrl-C (SIGINT) or SIGTERM.\n');
  const signal = await new Promise<NodeJS.Signals>((done) => {
    // Holds the event loop open while the fixture serves (its server may be unref'd).
    const keepAlive = setInterval(() => undefined, 60_000);
    const stop = (received: NodeJS.Signals) => {
      clearInterval(keepAlive);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done(received);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await environment.teardown?.();
  process.stderr.write(`Stopped (${signal}); the fixture is torn down.\n`);
  return 0;
}
