// `Authorization: Bearer <token>` with a fixed token (a personal access token, an API token).
import type { HttpAuthenticator } from './http.authenticator';
import type { PreparedRequest } from './http.types';

export class BearerAuthenticator implements HttpAuthenticator {
  constructor(private readonly token: string) {}

  authenticate(request: PreparedRequest): void {
    request.headers.set('authorization', `Bearer ${this.token}`);
  }
}
