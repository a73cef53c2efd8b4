import type { Middleware } from 'koa';
import type { Logger } from 'pino';

/** One line per finished request; probes and scrapes only at debug so they do not drown the log. */
export function requestLog(logger: Logger, quietPaths: ReadonlySet<string>): Middleware {
  return async function logRequest(ctx, next) {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = { method: ctx.method, path: ctx.path, status: ctx.status, durationMs: Math.round(durationMs * 10) / 10 };
      if (quietPaths.has(ctx.path)) logger.debug(line, 'request completed');
      else logger.info(line, 'request completed');
    }
  };
}
