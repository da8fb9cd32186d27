// An API key in a header (`X-API-Key: <key>`, `Authorization: Token <key>`) or a query parameter.
import type { HttpAuthenticator } from './http.authenticator';
import type { PreparedRequest } from './http.types';

export interface ApiKeyAuthenticatorOptions {
  key: string;
  /** Where the key goes (default header). */
  in?: 'header' | 'query';
  /** Header or parameter name (default `X-API-Key` / `api_key`). */
  name?: string;
  /** Put before the key in a header, e.g. `Token ` (default none). */
  prefix?: string;
}

export class ApiKeyAuthenticator implements HttpAuthenticator {
  constructor(private readonly options: ApiKeyAuthenticatorOptions) {}

  authenticate(request: PreparedRequest): void {
    const { key, prefix = '' } = this.options;
    if (this.options.in === 'query') request.url.searchParams.set(this.options.name ?? 'api_key', key);
    else request.headers.set(this.options.name ?? 'X-API-Key', `${prefix}${key}`);
  }
}
