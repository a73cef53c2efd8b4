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
    ctx.set(REQUEST_ID_HEADER, requestId);
    const started = process.hrtime.bigint();
    return runWithContext({ requestId }, async () => {
      try {
        await next();
      } finally {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const labels = {
          method: ctx.method,
          route: (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? 'unmatched',
          status: String(ctx.status),
        };
        metrics.httpDuration.observe(labels, seconds);
        metrics.httpRequests.inc(labels);
        const level = quietPaths.has(ctx.path) ? 'debug' : 'info';
        if (logger.isLevelEnabled(level)) {
          logger[level]({ method: ctx.method, path: ctx.path, status: ctx.status, durationMs: Math.round(seconds * 10_000) / 10 }, 'request completed');
        }
      }
    });
  };
}
