import { ChildProcessSupervisor, type SupervisedService } from './child-process-supervisor';
import type { ProcessExit } from './managed-process';

/** A service whose stop is recorded; it "exits" when stopped or when `die` is called. */
function fakeService(name: string, stopped: string[]): SupervisedService & { die(code: number): void } {
  let resolveExit!: (exit: ProcessExit) => void;
  const exited = new Promise<ProcessExit>((resolve) => (resolveExit = resolve));
  return {
    name,
    exited,
    stop: async () => {
      stopped.push(name);
      resolveExit({ code: 0, signal: 'SIGTERM' });
      await exited;
    },
    die: (code) => resolveExit({ code, signal: null }),
  };
}

// A child that ignores SIGTERM and says when it is ready to be signalled.
const STUBBORN_CHILD = "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('ready'); setInterval(() => {}, 1000);";

describe('ChildProcessSupervisor', () => {
  it('stops services one at a time, last started first', async () => {
    const stopped: string[] = [];
    const supervisor = new ChildProcessSupervisor();
    for (const name of ['postgres', 'temporal', 'api', 'worker', 'console']) supervisor.add(fakeService(name, stopped));

    await supervisor.stopAll();

    expect(stopped).toEqual(['console', 'worker', 'api', 'temporal', 'postgres']);
  });

  it('reports the first service that ends on its own, and goes on stopping the others', async () => {
    const stopped: string[] = [];
    const reported: string[] = [];
    const supervisor = new ChildProcessSupervisor({ onUnexpectedExit: (event) => reported.push(event.name) });
    supervisor.add(fakeService('postgres', stopped));
    const worker = supervisor.add(fakeService('worker', stopped));

    worker.die(3);
    const died = await supervisor.firstUnexpectedExit;
    await supervisor.stopAll();

    expect(died).toMatchObject({ name: 'worker', exit: { code: 3 } });
    expect(reported).toEqual(['worker']);
    expect(stopped).toEqual(['worker', 'postgres']);
  });

  it('does not call a requested stop an unexpected exit', async () => {
    const reported: string[] = [];
    const supervisor = new ChildProcessSupervisor({ onUnexpectedExit: (event) => reported.push(event.name) });
    supervisor.add(fakeService('api', []));

    await supervisor.stopAll();

    expect(reported).toEqual([]);
    expect(supervisor.unexpectedExit).toBeUndefined();
  });

  it('keeps stopping when one stop throws', async () => {
    const stopped: string[] = [];
    const errors: string[] = [];
    const supervisor = new ChildProcessSupervisor({ onStopError: (name) => errors.push(name) });
    supervisor.add(fakeService('first', stopped));
    supervisor.add({ name: 'broken', exited: new Promise(() => undefined), stop: () => Promise.reject(new Error('boom')) });

    await supervisor.stopAll();

    expect(errors).toEqual(['broken']);
    expect(stopped).toEqual(['first']);
  });

  it('kills a real child that ignores SIGTERM once the grace period is over', async () => {
    const supervisor = new ChildProcessSupervisor({ stopTimeoutMs: 300 });
    const child = supervisor.spawn({ name: 'stubborn', command: process.execPath, args: ['-e', STUBBORN_CHILD] });
    await child.waitForLine(/ready/, { timeoutMs: 10_000 });

    await supervisor.stopAll();

    await expect(child.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    expect(child.output()).toContain('ignoring SIGTERM');
  });
});
