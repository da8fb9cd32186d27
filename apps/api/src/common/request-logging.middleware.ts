// One structured line per request: method, path, status, duration. Never bodies or headers.
import type { NextFunction, Request, Response } from 'express';
import type { JsonLogger } from '@tributary/connector-sdk';

export function requestLogging(logger: JsonLogger) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = response.statusCode >= 500 ? 'error' : 'info';
      logger.log(level, 'request', { method: request.method, path: request.path, status: response.statusCode, durationMs: Math.round(ms * 10) / 10 });
    });
    next();
  };
}
