// Why `tributary connector init` refused to scaffold: a code for scripts and tests, a sentence
// for the person who typed the command. Exit code 1, like every CLI failure.
import { CliException, CliExceptionCode } from '../cli.exception';

export enum ScaffoldExceptionCode {
  INVALID_NAME = 'INVALID_NAME',
  INVALID_TEMPLATE = 'INVALID_TEMPLATE',
  TARGET_EXISTS = 'TARGET_EXISTS',
}

export class ScaffoldException extends CliException {
  constructor(
    readonly scaffoldCode: ScaffoldExceptionCode,
    message: string,
  ) {
    super(CliExceptionCode.INVALID_CONFIG, message);
    this.name = 'ScaffoldException';
  }
}
