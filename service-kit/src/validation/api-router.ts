import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { unsupportedMediaType } from '../errors/app-error';
import { validateRequest } from './validate';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type AnyObject = z.ZodObject;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<
  P extends AnyObject | undefined,
  Q extends AnyObject | undefined,
  B extends z.ZodType | undefined,
  H extends AnyObject | undefined = undefined,
> {
  method: Method;
  /** Koa path syntax (`/api/orders/:id`); converted to `{id}` in the OpenAPI document. */
  path: string;
  summary: string;
  tags?: string[];
  /** Documents the bearer requirement; the actual check is in `middleware`. */
  security?: 'bearer' | 'internal';
  params?: P;
  query?: Q;
  body?: B;
  /** Request headers the route reads, by their documented names (`Idempotency-Key`). */
  headers?: H;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  middleware?: Middleware[];
  handler: (ctx: Context, input: { params: Out<P>; query: Out<Q>; headers: Out<H>; body: Out<B> }) => Promise<void> | void;
}

const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string().optional(), message: z.string() })).optional(),
  }),
});

/**
 * A body the JSON parser did not read, being of another type: a non-zero Content-Length or a
 * chunked one, and no raw body left by the parser (which reads application/json and its kin).
 */
const unparsedBody = (ctx: Context): boolean =>
  (Boolean(ctx.request.length) || ctx.get('Transfer-Encoding') !== '') && (ctx.request as { rawBody?: string }).rawBody === undefined;

/**
 * A Koa router whose routes are declared with zod schemas. The same schemas validate each
 * request and describe it in the OpenAPI document, so the two can never drift apart.
 */
export class ApiRouter {
  // A path matches only as written, so /api/users/LOGIN or /api/users/login/ is not the login
  // route: a proxy's rules (the chart's rate-limited sign-in paths) then cover every way in.
  readonly router = new Router({ strict: true, sensitive: true });
  readonly registry = new OpenAPIRegistry();

  constructor() {
    this.registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    this.registry.registerComponent('securitySchemes', 'internal', { type: 'apiKey', in: 'header', name: 'X-Internal-Token' });
  }

  route<
    P extends AnyObject | undefined = undefined,
    Q extends AnyObject | undefined = undefined,
    B extends z.ZodType | undefined = undefined,
    H extends AnyObject | undefined = undefined,
  >(spec: RouteSpec<P, Q, B, H>): this {
    this.document(spec);
    // Node keeps header names lower-cased; an absent header is undefined, an empty one ''.
    const headerNames = spec.headers ? Object.keys(spec.headers.shape) : [];
    const headersOf = (ctx: Context) => Object.fromEntries(headerNames.map((name) => [name, ctx.headers[name.toLowerCase()]]));
    // Not async: a validation error throws before the handler runs, and koa-compose turns a throw
    // into a rejection; the handler's own promise is returned as it is (no extra await per request).
    const run: Middleware = (ctx) => {
      // The body parser reads only JSON and leaves `{}` for anything else: a form or a text sent to a
      // PATCH of optional fields would otherwise answer 200 having changed nothing.
      if (spec.body && unparsedBody(ctx)) throw unsupportedMediaType();
      const input = validateRequest(
        { params: spec.params, query: spec.query, headers: spec.headers, body: spec.body },
        { params: ctx.params, query: ctx.query, headers: spec.headers && headersOf(ctx), body: (ctx.request as { body?: unknown }).body ?? {} },
      );
      return spec.handler(ctx, input as { params: Out<P>; query: Out<Q>; headers: Out<H>; body: Out<B> });
    };
    this.router[spec.method](spec.path, ...(spec.middleware ?? []), run);
    return this;
  }

  private document(spec: RouteSpec<AnyObject | undefined, AnyObject | undefined, z.ZodType | undefined, AnyObject | undefined>): void {
    // Every route that takes a body may answer 415 (run, above).
    const declared = spec.body ? { 415: { description: 'The body is not JSON (UNSUPPORTED_MEDIA_TYPE)' }, ...spec.responses } : spec.responses;
    const responses = Object.fromEntries(
      Object.entries(declared).map(([status, response]) => {
        const schema = response.schema ?? (Number(status) >= 400 ? errorBody : undefined);
        return [status, schema ? { description: response.description, content: { 'application/json': { schema } } } : { description: response.description }];
      }),
    );
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
      summary: spec.summary,
      tags: spec.tags,
      security: spec.security ? [{ [spec.security]: [] }] : undefined,
      request: {
        params: spec.params,
        query: spec.query,
        headers: spec.headers,
        body: spec.body ? { content: { 'application/json': { schema: spec.body } }, required: true } : undefined,
      },
      responses,
    });
  }
}

/** One OpenAPI 3 document from the routers a service serves publicly. */
export function buildOpenApiDocument(info: { title: string; version: string; description?: string }, routers: ApiRouter[]) {
  const definitions = routers.flatMap((r) => r.registry.definitions);
  return new OpenApiGeneratorV3(definitions).generateDocument({ openapi: '3.0.3', info });
}
