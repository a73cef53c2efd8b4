import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware } from 'koa';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers that matter for a JSON API (OWASP REST Security Cheat Sheet); helmet's defaults for
 * HTML pages (DNS prefetch, download options, cross-domain policies…) would only add bytes.
 */
export const API_SECURITY_HEADERS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  frameguard: { action: 'deny' },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  xContentTypeOptions: true,
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  crossOriginEmbedderPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/**
 * helmet works the header values out once, at start-up; each response then only copies them.
 * (None of these depends on the request, and running helmet's chain per request cost about a
 * fifth of a cached read's throughput — see bench/RESULTS.md.) They go straight to Node's
 * response: Koa's ctx.set adds a delegate, a header-sent check and a type check per header, ~0.2 µs
 * each, for values already known to be valid strings (RESULTS.md, step 31).
 */
export function securityHeaders(options: HelmetOptions = API_SECURITY_HEADERS): Middleware {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name];
    },
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  const entries = Object.entries(headers);
  return function setSecurityHeaders(ctx, next) {
    const { res } = ctx;
    for (const [name, value] of entries) res.setHeader(name, value);
    return next();
  };
}
