// @tributary/connector-sdk/http — the HTTP toolkit for API sources, composed from small parts:
// a requester (timeouts, retries with backoff and jitter, Retry-After), an error handler that turns
// responses into actions, authenticators, paginators with loop detection, and record selection.
export * from './http.types';
export * from './abortable-delay';
export * from './backoff.policy';
export * from './http-error.handler';
export * from './http.authenticator';
export * from './http.requester';
export * from './api-key.authenticator';
export * from './bearer.authenticator';
export * from './basic.authenticator';
export * from './oauth2.authenticator';
export * from './paginator';
export * from './page-number.paginator';
export * from './offset.paginator';
export * from './cursor.paginator';
export * from './link-header.paginator';
export * from './next-url.paginator';
export * from './record.selector';
export * from './record.flattener';
export * from './http-pages.reader';
