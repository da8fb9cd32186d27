// auth → an authenticator of the HTTP toolkit, with the config's credentials interpolated in.
import { ApiKeyAuthenticator } from '../http/api-key.authenticator';
import { BasicAuthenticator } from '../http/basic.authenticator';
import { BearerAuthenticator } from '../http/bearer.authenticator';
import type { HttpAuthenticator } from '../http/http.authenticator';
import { OAuth2Authenticator, type OAuth2Tokens } from '../http/oauth2.authenticator';
import { ConfigError } from '../errors';
import { type InterpolationContext, interpolateString } from './interpolation';
import type { AuthDefinition } from './manifest.types';

export interface AuthenticatorHooks {
  /** Every token obtained from an OAuth2 endpoint: to mask it, and to persist a rotated refresh token. */
  onTokens?: (tokens: OAuth2Tokens) => void;
}

export function createAuthenticator(auth: AuthDefinition | undefined, context: InterpolationContext, hooks: AuthenticatorHooks = {}): HttpAuthenticator | undefined {
  const text = (template: string | undefined, field: string, required = true): string => {
    const value = template === undefined ? '' : interpolateString(template, context);
    if (required && !value) throw new ConfigError(`auth.${field} is empty: fill in the config field it refers to (${template ?? 'nothing'})`);
    return value;
  };
  switch (auth?.type ?? 'none') {
    case 'none':
      return undefined;
    case 'api_key': {
      const a = auth as Extract<AuthDefinition, { type: 'api_key' }>;
      return new ApiKeyAuthenticator({ key: text(a.key, 'key'), in: a.in, name: a.name, prefix: a.prefix });
    }
    case 'bearer':
      return new BearerAuthenticator(text((auth as Extract<AuthDefinition, { type: 'bearer' }>).token, 'token'));
    case 'basic': {
      const a = auth as Extract<AuthDefinition, { type: 'basic' }>;
      return new BasicAuthenticator(text(a.username, 'username'), text(a.password, 'password', false));
    }
    case 'oauth2': {
      const a = auth as Extract<AuthDefinition, { type: 'oauth2' }>;
      return new OAuth2Authenticator({
        tokenUrl: text(a.token_url, 'token_url'),
        grantType: a.grant_type,
        clientId: text(a.client_id, 'client_id'),
        clientSecret: text(a.client_secret, 'client_secret'),
        refreshToken: a.grant_type === 'refresh_token' ? text(a.refresh_token, 'refresh_token') : undefined,
        scopes: a.scopes,
        clientAuthentication: a.client_authentication,
        extraParams: a.extra_params ? Object.fromEntries(Object.entries(a.extra_params).map(([k, v]) => [k, interpolateString(v, context)])) : undefined,
        onTokensRefreshed: hooks.onTokens,
      });
    }
  }
}

/** The names of headers and query parameters that carry credentials, to mask in recorded requests. */
export function credentialCarriers(auth: AuthDefinition | undefined): { headers: string[]; params: string[] } {
  const headers = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];
  const params: string[] = [];
  if (auth?.type === 'api_key') {
    if (auth.in === 'query') params.push(auth.name ?? 'api_key');
    else headers.push((auth.name ?? 'X-API-Key').toLowerCase());
  }
  return { headers, params };
}
