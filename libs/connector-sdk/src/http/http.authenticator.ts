// What every authenticator does: add credentials to a request, and — for those that can — get new
// ones when the API rejects the current ones (the requester asks once per request on a 401).
import type { PreparedRequest } from './http.types';

export interface HttpAuthenticator {
  /** Adds credentials (a header, a query parameter) to an outgoing request. */
  authenticate(request: PreparedRequest, signal?: AbortSignal): void | Promise<void>;
  /** Obtains fresh credentials; resolves false when this authenticator cannot refresh. */
  refresh?(signal?: AbortSignal): Promise<boolean>;
  /** Releases connections the authenticator holds (an OAuth2 token endpoint client). */
  close?(): Promise<void>;
}
