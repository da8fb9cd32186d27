// OAuth 2.0 access tokens from a token endpoint, by client credentials or by refresh token
// (RFC 6749 §4.4 and §6). The token is fetched before the first request, renewed shortly before it
// expires and once more when the API answers 401. Every new token is handed to
// `onTokensRefreshed`, so the platform can persist it (and a rotated refresh token, which would
// otherwise be lost) into the connector's config.
import { ConfigError } from '../errors';
import type { HttpAuthenticator } from './http.authenticator';
import { defaultResponseAction as defaultAction } from './http-error.handler';
import { HttpRequester } from './http.requester';
import type { PreparedRequest } from './http.types';

export interface OAuth2Tokens {
  accessToken: string;
  /** Present when the server rotated the refresh token: persist it, the old one may be dead. */
  refreshToken?: string;
  /** ISO date-time; absent when the server did not say. */
  expiresAt?: string;
}

export interface OAuth2AuthenticatorOptions {
  tokenUrl: string;
  grantType: 'client_credentials' | 'refresh_token';
  clientId: string;
  clientSecret: string;
  /** Required for the refresh_token grant. */
  refreshToken?: string;
  scopes?: string[];
  /** Extra form fields for the token request (`audience`, ...). */
  extraParams?: Record<string, string>;
  /** Send the client credentials as HTTP Basic (default) or in the form body. */
  clientAuthentication?: 'basic' | 'body';
  /** A token persisted earlier: used until it expires, saving a token request per sync. */
  accessToken?: string;
  expiresAt?: string;
  /** Renew this long before expiry (default 60 s). */
  expirySkewMs?: number;
  /** Called with every token obtained, to persist it into the config. */
  onTokensRefreshed?: (tokens: OAuth2Tokens) => void | Promise<void>;
  /** The token endpoint's requester options (timeouts, retries); its errors are config errors. */
  timeoutMs?: number;
  maxRetries?: number;
  now?: () => number;
}

interface TokenResponse {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  token_type?: unknown;
}

export class OAuth2Authenticator implements HttpAuthenticator {
  private accessToken: string | undefined;
  private expiresAt: number | undefined;
  /** When to renew: the skew before expiry, but never sooner than half the token's lifetime. */
  private renewAt: number | undefined;
  private refreshToken: string | undefined;
  private pending: Promise<void> | undefined;
  private readonly tokenEndpoint: HttpRequester;
  private readonly now: () => number;

  constructor(private readonly options: OAuth2AuthenticatorOptions) {
    if (options.grantType === 'refresh_token' && !options.refreshToken) throw new ConfigError('the OAuth2 refresh_token grant needs a refresh token');
    this.accessToken = options.accessToken;
    this.expiresAt = options.expiresAt ? Date.parse(options.expiresAt) : undefined;
    this.renewAt = this.expiresAt !== undefined ? this.expiresAt - (options.expirySkewMs ?? 60_000) : undefined;
    this.refreshToken = options.refreshToken;
    this.now = options.now ?? Date.now;
    this.tokenEndpoint = new HttpRequester({
      baseUrl: options.tokenUrl,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries ?? 3,
      // The token endpoint says 400 invalid_grant / 401 invalid_client for bad credentials.
      errorHandler: {
        interpret: (outcome) => {
          if (outcome.kind === 'response' && (outcome.response.status === 400 || outcome.response.status === 401)) {
            return { action: 'fail', failureType: 'config_error', message: 'the OAuth2 token endpoint rejected the client credentials or refresh token' };
          }
          return defaultAction(outcome);
        },
      },
    });
  }

  async authenticate(request: PreparedRequest, signal?: AbortSignal): Promise<void> {
    if (!this.accessToken || (this.renewAt !== undefined && this.now() >= this.renewAt)) {
      await this.renew(signal);
    }
    request.headers.set('authorization', `Bearer ${this.accessToken}`);
  }

  async refresh(signal?: AbortSignal): Promise<boolean> {
    await this.renew(signal);
    return true;
  }

  close(): Promise<void> {
    return this.tokenEndpoint.close();
  }

  /** One token request at a time, however many requests need it. */
  private renew(signal?: AbortSignal): Promise<void> {
    this.pending ??= this.requestToken(signal).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async requestToken(signal?: AbortSignal): Promise<void> {
    const { clientId, clientSecret, grantType, scopes, extraParams } = this.options;
    const form: Record<string, string> = { grant_type: grantType, ...extraParams };
    if (grantType === 'refresh_token') form.refresh_token = this.refreshToken!;
    if (scopes?.length) form.scope = scopes.join(' ');
    const headers: Record<string, string> = {};
    if ((this.options.clientAuthentication ?? 'basic') === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
    } else {
      form.client_id = clientId;
      form.client_secret = clientSecret;
    }
    signal?.throwIfAborted();
    const body = (await this.tokenEndpoint.json<TokenResponse>({ method: 'POST', url: this.options.tokenUrl, form, headers })) ?? {};
    if (typeof body.access_token !== 'string' || !body.access_token) {
      throw new ConfigError('the OAuth2 token endpoint answered without an access_token');
    }
    this.accessToken = body.access_token;
    const expiresIn = Number(body.expires_in);
    const lifetimeMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : undefined;
    const now = this.now();
    this.expiresAt = lifetimeMs !== undefined ? now + lifetimeMs : undefined;
    this.renewAt = lifetimeMs !== undefined ? now + Math.max(lifetimeMs - (this.options.expirySkewMs ?? 60_000), lifetimeMs / 2) : undefined;
    const rotated = typeof body.refresh_token === 'string' && body.refresh_token && body.refresh_token !== this.refreshToken ? body.refresh_token : undefined;
    if (rotated) this.refreshToken = rotated;
    await this.options.onTokensRefreshed?.({
      accessToken: this.accessToken,
      ...(rotated ? { refreshToken: rotated } : {}),
      ...(this.expiresAt !== undefined ? { expiresAt: new Date(this.expiresAt).toISOString() } : {}),
    });
  }
}
