// HTTP Basic authentication (RFC 7617): `Authorization: Basic base64(username:password)`.
import type { HttpAuthenticator } from './http.authenticator';
import type { PreparedRequest } from './http.types';

export class BasicAuthenticator implements HttpAuthenticator {
  private readonly header: string;

  constructor(username: string, password: string) {
    this.header = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  }

  authenticate(request: PreparedRequest): void {
    request.headers.set('authorization', this.header);
  }
}
