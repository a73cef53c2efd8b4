import type { Middleware } from 'koa';
import { acceptRequestId, runWithContext } from '../../logging/request-context';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Accept the caller's X-Request-Id or make one, echo it, and run the rest of the request in its context. */
export function requestId(): Middleware {
  return function assignRequestId(ctx, next) {
    const id = acceptRequestId(ctx.get(REQUEST_ID_HEADER));
    ctx.state.requestId = id;
    ctx.set(REQUEST_ID_HEADER, id);
    return runWithContext({ requestId: id }, next);
  };
}
