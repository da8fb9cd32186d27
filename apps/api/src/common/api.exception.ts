// Domain errors of the API: a code and a sentence for a person. One mapper (the exception filter)
// turns codes into HTTP statuses.
import type { ValidationIssue } from '@tributary/protocol';

export enum ApiErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  JOB_ALREADY_RUNNING = 'JOB_ALREADY_RUNNING',
  CONNECTOR_CONFIG_ERROR = 'CONNECTOR_CONFIG_ERROR',
  CONNECTOR_FAILED = 'CONNECTOR_FAILED',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  ORCHESTRATOR_UNAVAILABLE = 'ORCHESTRATOR_UNAVAILABLE',
}

export const STATUS_BY_CODE: Record<ApiErrorCode, number> = {
  [ApiErrorCode.VALIDATION_FAILED]: 400,
  [ApiErrorCode.UNAUTHENTICATED]: 401,
  [ApiErrorCode.FORBIDDEN]: 403,
  [ApiErrorCode.NOT_FOUND]: 404,
  [ApiErrorCode.CONFLICT]: 409,
  [ApiErrorCode.JOB_ALREADY_RUNNING]: 409,
  [ApiErrorCode.CONNECTOR_CONFIG_ERROR]: 422,
  [ApiErrorCode.CONNECTOR_FAILED]: 502,
  [ApiErrorCode.ORCHESTRATOR_UNAVAILABLE]: 503,
};

export class ApiException extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details: { issues?: ValidationIssue[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'ApiException';
  }

  static notFound(what: string, id: string): ApiException {
    return new ApiException(ApiErrorCode.NOT_FOUND, `${what} ${id} does not exist`);
  }

  static invalid(issues: ValidationIssue[], prefix?: string): ApiException {
    const scoped = prefix ? issues.map((i) => ({ field: i.field ? `${prefix}.${i.field}` : prefix, message: i.message })) : issues;
    return new ApiException(ApiErrorCode.VALIDATION_FAILED, scoped.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; '), { issues: scoped });
  }
}
