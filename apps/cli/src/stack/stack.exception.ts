// Errors of the process machinery (ports, Postgres, Temporal, child processes). Each carries a code
// for programs and a sentence for the person who has to act on it.
export enum StackExceptionCode {
  PORT_IN_USE = 'PORT_IN_USE',
  TOOL_MISSING = 'TOOL_MISSING',
  PROCESS_FAILED = 'PROCESS_FAILED',
  NOT_READY = 'NOT_READY',
  ALREADY_RUNNING = 'ALREADY_RUNNING',
  UNSUPPORTED_PLATFORM = 'UNSUPPORTED_PLATFORM',
  ABORTED = 'ABORTED',
}

export class StackException extends Error {
  constructor(
    readonly code: StackExceptionCode,
    message: string,
    /** Captured output of the process concerned, shown under the message. */
    readonly output?: string,
  ) {
    super(output ? `${message}\n--- output ---\n${output}` : message);
    this.name = 'StackException';
  }
}
