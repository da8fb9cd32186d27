import { ManagedProcess, describeExit } from './managed-process';
import { StackExceptionCode } from './stack.exception';

function node(name: string, script: string): ManagedProcess {
  return ManagedProcess.spawn({ name, command: process.execPath, args: ['-e', script] });
}

describe('ManagedProcess', () => {
  it('waits for a line, including one printed before the wait began', async () => {
    const child = node('printer', "console.log('first'); console.error('second');");
    await child.exited;

    await expect(child.waitForLine(/second/, { timeoutMs: 1000 })).resolves.toBe('second');
    expect(child.output()).toBe('first\nsecond');
  });

  it('rejects a wait when the process ends first, quoting its output', async () => {
    const child = node('crasher', "console.error('cannot connect'); process.exit(4);");

    await expect(child.waitForLine(/ready/, { timeoutMs: 10_000, description: 'crasher to be ready' })).rejects.toMatchObject({
      code: StackExceptionCode.PROCESS_FAILED,
      message: expect.stringMatching(/crasher exited with code 4 while we waited for crasher to be ready[\s\S]*cannot connect/),
    });
  });

  it('reports a command that cannot be started', async () => {
    const child = ManagedProcess.spawn({ name: 'missing', command: '/nonexistent/tributary-test-binary' });

    const exit = await child.exited;

    expect(describeExit(exit)).toMatch(/^could not be started: .*ENOENT/);
    expect(child.running).toBe(false);
  });
});
