import Koa, { type Middleware } from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Logger } from 'pino';
import { errorHandler } from './middleware/error-handler.middleware';
import { observeRequests } from './middleware/observe-request.middleware';
import { requireInternalToken } from './middleware/internal-token.middleware';
import { securityHeaders } from './middleware/security-headers.middleware';
import { createMetrics, type ServiceMetrics } from './metrics';
import { healthRouter, type ReadinessCheck } from './health.router';
import type { Lifecycle } from '../lifecycle/lifecycle';
import { serviceUnavailable } from '../errors/app-error';

type Mountable = Router | { router: Router };

export interface HttpAppsOptions {
  service: string;
  logger: Logger;
  lifecycle: Lifecycle;
  metrics?: ServiceMetrics;
  /** Each must resolve while its dependency works; /readyz is 503 when any throws. */
  readiness?: Record<string, ReadinessCheck>;
  /**
   * Dependencies the service keeps working without (e.g. a broker behind an outbox): shown in
   * /readyz as 'ok' or 'degraded', never making it 503, so an outage does not pull every replica.
   */
  informational?: Record<string, ReadinessCheck>;
  /** Routes served on the public port (through the ingress). */
  publicRoutes?: Mountable[];
  /** `/internal/*` routes served on the internal port, behind X-Internal-Token. */
  internalRoutes?: Mountable[];
  internalToken?: string;
  /** Served as GET /openapi.json on the public port. */
  openapi?: unknown;
  /** Largest accepted JSON body; larger gets 413. */
  bodyLimit?: string;
  /**
   * False until the service's start-up (connections, migrations, indexes…) is done; until then
   * /readyz reports `started: failing` and every other route answers 503, so a request that slips
   * past readiness never meets a half-started service.
   */
  isStarted?: () => boolean;
}

export interface HttpApps {
  publicApp: Koa;
  internalApp: Koa;
  metrics: ServiceMetrics;
}

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

function startupGate(isStarted: () => boolean): Middleware {
  return function waitForStartup(ctx, next) {
    if (isStarted() || QUIET_PATHS.has(ctx.path)) return next();
    throw serviceUnavailable('The service is starting, try again shortly', { retryAfterSeconds: 2 });
  };
}

function startedCheck(isStarted: HttpAppsOptions['isStarted']): Record<string, ReadinessCheck> {
  if (!isStarted) return {};
  return {
    started: () => {
      if (!isStarted()) throw new Error('still starting');
    },
  };
}

const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/**
 * Parses JSON bodies (application/json and the parser's other JSON types); requests whose method
 * carries none skip the parser (and the promise it costs) entirely. A body of any other type is left
 * unparsed, and refused by the routes that take one (ApiRouter).
 */
function jsonBody(limit: string): Middleware {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: limit, encoding: 'utf-8' });
  return function parseJsonBody(ctx, next) {
    return BODYLESS_METHODS.has(ctx.method) ? next() : parse(ctx, next);
  };
}

const routerOf = (m: Mountable): Router => ('router' in m && !(m instanceof Router) ? m.router : (m as Router));

/** `guard` runs before the body is parsed and the start-up gate answers: a caller it refuses gets its answer and nothing else. */
function baseApp(options: HttpAppsOptions, metrics: ServiceMetrics, guard?: Middleware): Koa {
  const app = new Koa();
  // Behind the ingress: trust X-Forwarded-* for protocol and client address, but only the last
  // X-Forwarded-For entry, the one the ingress added; the entries before it are the client's to write.
  app.proxy = true;
  app.maxIpsCount = 1;
  // Errors are answered by errorHandler; Koa's own default logger would print stacks to stderr.
  app.silent = true;
  const chain: Middleware[] = [
    observeRequests(options.logger, metrics, QUIET_PATHS),
    errorHandler(options.logger),
    securityHeaders(),
    ...(guard ? [guard] : []),
    jsonBody(options.bodyLimit ?? '100kb'),
  ];
  for (const m of chain) app.use(m);
  if (options.isStarted) app.use(startupGate(options.isStarted));
  return app;
}

/**
 * All routers behind one root router: a request is matched once, instead of passing through two
 * middleware layers (routes and allowedMethods) per router, each costing promises.
 */
function mount(app: Koa, routers: Router[]): void {
  const root = new Router();
  for (const router of routers) root.use(router.routes());
  app.use(root.routes()).use(root.allowedMethods());
}

/**
 * Builds the two Koa apps of a service without listening, so tests can drive them on port 0:
 * the public one (API, health, metrics, OpenAPI) and the internal one (`/internal/*` only).
 */
export function createHttpApps(options: HttpAppsOptions): HttpApps {
  const metrics = options.metrics ?? createMetrics(options.service);

  const publicApp = baseApp(options, metrics);
  const health = healthRouter({
    lifecycle: options.lifecycle,
    checks: { ...startedCheck(options.isStarted), ...options.readiness },
    informational: options.informational,
    metrics,
    logger: options.logger,
  });
  const publicRouters = [health, ...(options.publicRoutes ?? []).map(routerOf)];
  if (options.openapi) {
    const docs = new Router();
    docs.get('/openapi.json', (ctx) => {
      ctx.body = options.openapi;
    });
    publicRouters.push(docs);
  }
  mount(publicApp, publicRouters);

  const internalRoutes = options.internalRoutes ?? [];
  if (internalRoutes.length && !options.internalToken) throw new Error('internalToken is required when internal routes are served');
  // Every request, whatever its path: the router matches paths case-insensitively, so a guard
  // keyed on the path prefix would let /INTERNAL/... through.
  const internalApp = baseApp(options, metrics, options.internalToken ? requireInternalToken(options.internalToken) : undefined);
  if (internalRoutes.length) mount(internalApp, internalRoutes.map(routerOf));
  return { publicApp, internalApp, metrics };
}
