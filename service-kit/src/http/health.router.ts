import Router from '@koa/router';
import type { Logger } from 'pino';
import type { ServiceMetrics } from './metrics';
import type { Lifecycle } from '../lifecycle/lifecycle';

export type ReadinessCheck = () => Promise<unknown> | unknown;

const CHECK_TIMEOUT_MS = 2000;

async function runCheck(check: ReadinessCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('readiness check timed out')), CHECK_TIMEOUT_MS);
    });
    await Promise.race([Promise.resolve().then(check), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** /healthz (alive), /readyz (every dependency answers and not shutting down), /metrics. */
export function healthRouter(options: {
  lifecycle: Lifecycle;
  checks: Record<string, ReadinessCheck>;
  /** Reported in the body as 'ok' or 'degraded' but never failing readiness. */
  informational?: Record<string, ReadinessCheck>;
  metrics: ServiceMetrics;
  logger: Logger;
}): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const names = Object.keys(options.checks);
    const results = await Promise.all(names.map((name) => runCheck(options.checks[name])));
    const extra = Object.keys(options.informational ?? {});
    const extraResults = await Promise.all(extra.map((name) => runCheck(options.informational![name])));
    const checks = {
      ...Object.fromEntries(names.map((name, i) => [name, results[i] ? 'ok' : 'failing'])),
      ...Object.fromEntries(extra.map((name, i) => [name, extraResults[i] ? 'ok' : 'degraded'])),
    };
    const ready = !options.lifecycle.isShuttingDown() && results.every(Boolean);
    if (!ready) options.logger.warn({ checks, shuttingDown: options.lifecycle.isShuttingDown() }, 'not ready');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'unavailable', shuttingDown: options.lifecycle.isShuttingDown(), checks };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = options.metrics.registry.contentType;
    ctx.body = await options.metrics.registry.metrics();
  });
  return router;
}
