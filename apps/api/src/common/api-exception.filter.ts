// The one mapper from errors to HTTP responses. Every error becomes JSON with a status, a code and a
// message a person can act on; unexpected errors are logged with context and answered with a
// generic 500 — never a stack trace.
import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { JsonLogger } from '@tributary/connector-sdk';
import { ApiErrorCode, ApiException, STATUS_BY_CODE } from './api.exception';

const CODE_BY_STATUS: Record<number, string> = {
  400: ApiErrorCode.VALIDATION_FAILED,
  401: ApiErrorCode.UNAUTHENTICATED,
  404: ApiErrorCode.NOT_FOUND,
  409: ApiErrorCode.CONFLICT,
};

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    if (error instanceof ApiException) {
      response.status(STATUS_BY_CODE[error.code]).json({ statusCode: STATUS_BY_CODE[error.code], code: error.code, message: error.message, ...error.details });
      return;
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      const raw = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? error.message);
      let message = Array.isArray(raw) ? raw.join('; ') : String(raw);
      if (status === 400 && /JSON/.test(message)) message = `the request body is not valid JSON: ${message}`;
      if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE)/.test(message)) message = `no such endpoint: ${request.method} ${request.path}`;
      response.status(status).json({ statusCode: status, code: CODE_BY_STATUS[status] ?? `HTTP_${status}`, message });
      return;
    }
    this.logger.error('unhandled error while serving a request', {
      method: request.method,
      path: request.path,
      error: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    response.status(500).json({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'an unexpected error occurred; it has been logged' });
  }
}
