import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { REQUEST_ID_HEADER, acceptRequestId, runWithContext } from '../../logging/request-context';
import type { ServiceMetrics } from '../metrics';

/**
 * The outermost middleware: accepts or makes the request id (echoed, and carried through every
 * await by AsyncLocalStorage), then records the finished request in the metrics (by route
 * template, never the raw path) and in one log line (probes and scrapes only at debug).
 * One layer instead of three: on Node 20 every extra async layer also pays AsyncLocalStorage's
 * promise hooks.
 */
export function observeRequests(logger: Logger, metrics: ServiceMetrics, quietPaths: ReadonlySet<string>): Middleware {
  return function observeRequest(ctx, next) {
    const requestId = acceptRequestId(ctx.get(REQUEST_ID_HEADER));
    ctx.state.requestId = requestId;
    ctx.res.setHeader(REQUEST_ID_HEADER, requestId); // acceptRequestId's output is a valid header value
    const started = performance.now();
    const finish = () => {
      const seconds = (performance.now() - started) / 1000;
      metrics.observeRequest(ctx.method, (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? 'unmatched', ctx.status, seconds);
      const level = quietPaths.has(ctx.path) ? 'debug' : 'info';
      if (logger.isLevelEnabled(level)) {
        logger[level]({ method: ctx.method, path: ctx.path, status: ctx.status, durationMs: Math.round(seconds * 10_000) / 10 }, 'request completed');
      }
    };
    // then() rather than async/await: one promise fewer per request, and each costs promise hooks.
    return runWithContext({ requestId }, () =>
      next().then(finish, (err: unknown) => {
        finish();
        throw err;
      }),
    );
  };
}
