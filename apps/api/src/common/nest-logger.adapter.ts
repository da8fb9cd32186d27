// Routes NestJS's own log output through the structured JSON logger.
import type { LoggerService } from '@nestjs/common';
import type { JsonLogger } from '@tributary/connector-sdk';

const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

export class NestLoggerAdapter implements LoggerService {
  constructor(private readonly logger: JsonLogger) {}

  log(message: unknown, context?: string): void {
    // Nest's start-up inventory (modules, routes) is debug detail, not news.
    const level = context && BOOT_CONTEXTS.has(context) ? 'debug' : 'info';
    this.logger.log(level, String(message), context ? { context } : undefined);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error(String(message), { ...(context ? { context } : {}), ...(trace ? { stack: trace } : {}) });
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn(String(message), context ? { context } : undefined);
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug(String(message), context ? { context } : undefined);
  }
  verbose(message: unknown, context?: string): void {
    this.logger.debug(String(message), context ? { context } : undefined);
  }
}
