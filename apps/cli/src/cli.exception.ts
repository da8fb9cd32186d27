// Errors the CLI reports in words. The exit code tells scripts what happened: 1 for a failure;
// usage errors (2) come from the argument parser.
export enum CliExceptionCode {
  INVALID_CONFIG = 'INVALID_CONFIG',
  MISSING_BUILD = 'MISSING_BUILD',
  DATABASE_UNREACHABLE = 'DATABASE_UNREACHABLE',
  PROCESS_DIED = 'PROCESS_DIED',
}

export class CliException extends Error {
  readonly exitCode = 1;

  constructor(
    readonly code: CliExceptionCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliException';
  }
}
