import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What travels with one request or message through every await: its id, for logs and onward calls. */
export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const runWithContext = <T>(context: RequestContext, fn: () => T): T => storage.run(context, fn);
export const currentContext = (): RequestContext | undefined => storage.getStore();
/** The header that carries a request's id between services (and back to the client). */
export const REQUEST_ID_HEADER = 'X-Request-Id';

export const currentRequestId = (): string | undefined => storage.getStore()?.requestId;

// Visible ASCII: no spaces, control characters or line breaks, so nothing can be injected into a
// log line or a header; otherwise a caller's own format (a trace id with / or =) is kept.
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
/** Keep a caller's id when it is sane (no log injection), else make a fresh one. */
export const acceptRequestId = (candidate: unknown): string =>
  typeof candidate === 'string' && REQUEST_ID.test(candidate) ? candidate : randomUUID();
