// Bearer-token authentication on every route except those marked @Public().
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ApiTokenRepository } from '@tributary/persistence';
import { ApiErrorCode, ApiException } from '../common/api.exception';
import { IS_PUBLIC } from './public.decorator';

@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokenRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match || !(await this.tokens.verify(match[1]!))) {
      context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="tributary"');
      throw new ApiException(
        ApiErrorCode.UNAUTHENTICATED,
        match ? 'the bearer token is not valid' : 'authentication required: send "Authorization: Bearer <token>"',
      );
    }
    return true;
  }
}
