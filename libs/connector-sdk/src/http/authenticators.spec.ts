// Every authenticator against a real HTTP server: what reaches the wire, and OAuth2's token
// lifecycle (fetch, reuse, expiry, 401 refresh, rotation handed to the callback, rejection).
import { startTestHttpServer, type TestHttpServer } from '../testing/test-http.server';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { BasicAuthenticator } from './basic.authenticator';
import { BearerAuthenticator } from './bearer.authenticator';
import type { HttpAuthenticator } from './http.authenticator';
import { HttpRequester } from './http.requester';
import { OAuth2Authenticator, type OAuth2Tokens } from './oauth2.authenticator';

describe('authenticators', () => {
  let server: TestHttpServer;
  const requesters: HttpRequester[] = [];

  beforeEach(async () => {
    server = await startTestHttpServer((r) => ({ body: { authorization: r.headers.authorization ?? null, key: r.headers['x-api-key'] ?? r.query.get('key') } }));
  });
  afterEach(async () => {
    await Promise.all(requesters.splice(0).map((r) => r.close()));
    await server.close();
  });

  const call = (authenticator: HttpAuthenticator, path = '/data') => {
    const requester = new HttpRequester({ baseUrl: server.url, authenticator, maxRetries: 0 });
    requesters.push(requester);
    return requester.json<Record<string, unknown>>({ path });
  };

  it('puts an API key in a header or in the query', async () => {
    await expect(call(new ApiKeyAuthenticator({ key: 'k1' }))).resolves.toMatchObject({ key: 'k1' });
    await expect(call(new ApiKeyAuthenticator({ key: 'k2', in: 'query', name: 'key' }))).resolves.toMatchObject({ key: 'k2' });
    await expect(call(new ApiKeyAuthenticator({ key: 'k3', name: 'Authorization', prefix: 'Token ' }))).resolves.toMatchObject({ authorization: 'Token k3' });
  });

  it('sends bearer and basic credentials', async () => {
    await expect(call(new BearerAuthenticator('tok'))).resolves.toMatchObject({ authorization: 'Bearer tok' });
    await expect(call(new BasicAuthenticator('ann', 'pa:ss'))).resolves.toMatchObject({ authorization: `Basic ${Buffer.from('ann:pa:ss').toString('base64')}` });
  });

  describe('OAuth2', () => {
    let issued: number;
    let rotate: boolean;
    beforeEach(() => {
      issued = 0;
      rotate = false;
      server.handle((r) => {
        if (r.path === '/token') {
          const form = new URLSearchParams(r.body);
          const basic = r.headers.authorization === `Basic ${Buffer.from('id:secret').toString('base64')}`;
          const body = form.get('client_id') === 'id' && form.get('client_secret') === 'secret';
          if (!basic && !body) return { status: 401, body: { error: 'invalid_client' } };
          if (form.get('grant_type') === 'refresh_token' && form.get('refresh_token') !== `refresh-${issued}`) return { status: 400, body: { error: 'invalid_grant' } };
          issued++;
          return { body: { access_token: `access-${issued}`, expires_in: 3600, token_type: 'bearer', ...(rotate ? { refresh_token: `refresh-${issued}` } : {}), scope: form.get('scope') } };
        }
        // The API accepts only the latest token.
        return r.headers.authorization === `Bearer access-${issued}` ? { body: { ok: true } } : { status: 401 };
      });
    });

    it('gets a token by client credentials once and reuses it', async () => {
      const tokens: OAuth2Tokens[] = [];
      const auth = new OAuth2Authenticator({ tokenUrl: `${server.url}/token`, grantType: 'client_credentials', clientId: 'id', clientSecret: 'secret', scopes: ['read', 'write'], onTokensRefreshed: (t) => void tokens.push(t) });
      await call(auth);
      await call(auth);
      expect(server.requests.filter((r) => r.path === '/token')).toHaveLength(1);
      expect(new URLSearchParams(server.requests[0]!.body).get('scope')).toBe('read write');
      expect(tokens).toEqual([{ accessToken: 'access-1', expiresAt: expect.any(String) }]);
      await auth.close();
    });

    it('renews an expired token before the request, and a rejected one after a 401', async () => {
      let now = Date.parse('2025-01-01T00:00:00Z');
      const auth = new OAuth2Authenticator({ tokenUrl: `${server.url}/token`, grantType: 'client_credentials', clientId: 'id', clientSecret: 'secret', clientAuthentication: 'body', now: () => now });
      await expect(call(auth)).resolves.toEqual({ ok: true });
      now += 3600_000;
      await expect(call(auth)).resolves.toEqual({ ok: true });
      expect(issued).toBe(2);
      issued++; // the server revokes the current token
      await expect(call(auth)).resolves.toEqual({ ok: true });
      expect(issued).toBe(4);
      await auth.close();
    });

    it('uses a persisted token until it expires, then the refresh token, handing rotated tokens to the callback', async () => {
      rotate = true;
      issued = 7;
      const tokens: OAuth2Tokens[] = [];
      const auth = new OAuth2Authenticator({
        tokenUrl: `${server.url}/token`,
        grantType: 'refresh_token',
        clientId: 'id',
        clientSecret: 'secret',
        refreshToken: 'refresh-7',
        accessToken: 'access-7',
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
        onTokensRefreshed: (t) => void tokens.push(t),
      });
      await expect(call(auth)).resolves.toEqual({ ok: true });
      expect(tokens).toEqual([]);
      issued = 8; // revoked: the 401 makes the authenticator refresh with refresh-7... which is stale now
      await expect(call(auth)).rejects.toMatchObject({ failureType: 'config_error', message: expect.stringContaining('rejected the client credentials or refresh token') });
      await auth.close();
    });

    it('keeps the rotated refresh token for the next refresh', async () => {
      rotate = true;
      issued = 1;
      const tokens: OAuth2Tokens[] = [];
      const auth = new OAuth2Authenticator({ tokenUrl: `${server.url}/token`, grantType: 'refresh_token', clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh-1', onTokensRefreshed: (t) => void tokens.push(t) });
      await expect(call(auth)).resolves.toEqual({ ok: true });
      // The API now rejects access-2; only the rotated refresh-2 can get a new token.
      server.handle((r) => {
        if (r.path !== '/token') return r.headers.authorization === 'Bearer access-3' ? { body: { ok: true } } : { status: 401 };
        const form = new URLSearchParams(r.body);
        return form.get('refresh_token') === 'refresh-2' ? { body: { access_token: 'access-3', refresh_token: 'refresh-3', expires_in: 60 } } : { status: 400 };
      });
      await expect(call(auth)).resolves.toEqual({ ok: true });
      expect(tokens.map((t) => t.refreshToken)).toEqual(['refresh-2', 'refresh-3']);
      await auth.close();
    });

    it('reports bad client credentials as a config error', async () => {
      const auth = new OAuth2Authenticator({ tokenUrl: `${server.url}/token`, grantType: 'client_credentials', clientId: 'id', clientSecret: 'wrong' });
      await expect(call(auth)).rejects.toMatchObject({ failureType: 'config_error' });
      await auth.close();
    });

    it('refuses the refresh_token grant without a refresh token', () => {
      expect(() => new OAuth2Authenticator({ tokenUrl: `${server.url}/token`, grantType: 'refresh_token', clientId: 'id', clientSecret: 's' })).toThrow('needs a refresh token');
    });
  });
});
