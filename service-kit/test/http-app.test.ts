import Router from '@koa/router';
import axios, { AxiosError } from 'axios';
import { z } from 'zod';
import {
  AppError,
  ApiRouter,
  Lifecycle,
  buildOpenApiDocument,
  createHttpApps,
  createServiceClient,
  currentRequestId,
} from '../src';
import { captureLogger, metricValue, startTestServer } from '../src/testing';

const http = axios.create({ validateStatus: () => true });
const INTERNAL_TOKEN = 'internal-token-for-tests-0123456789';

function buildApps(options: { readiness?: Record<string, () => unknown>; downstreamUrl?: string } = {}) {
  const { logger, lines } = captureLogger('kit-test');
  const lifecycle = new Lifecycle(logger);
  const api = new ApiRouter();
  api.route({
    method: 'post',
    path: '/api/things',
    summary: 'Create a thing',
    body: z.object({ name: z.string().min(1), count: z.number().int().positive(), password: z.string().optional() }),
    responses: { 201: { description: 'created' }, 400: { description: 'invalid' } },
    handler: (ctx, { body }) => {
      logger.info({ body }, 'creating thing');
      ctx.status = 201;
      ctx.body = body;
    },
  });
  api.route({
    method: 'get',
    path: '/api/things/:id',
    summary: 'Read a thing',
    params: z.object({ id: z.uuid() }),
    responses: { 200: { description: 'the thing' } },
    handler: (ctx, { params }) => {
      ctx.body = { id: params.id };
    },
  });
  api.route({
    method: 'patch',
    path: '/api/things/:id',
    summary: 'Change a thing',
    params: z.object({ id: z.uuid() }),
    query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
    body: z.object({ name: z.string().min(1).optional() }),
    responses: { 200: { description: 'the thing' } },
    handler: (ctx, { params, body }) => {
      ctx.body = { id: params.id, ...body };
    },
  });
  const plain = new Router();
  plain.get('/api/boom', () => {
    throw new Error('secret database detail at /srv/app.js:12');
  });
  plain.get('/api/escaped', () => {
    // What a call to another service throws when its caller does not wrap it: that service's 404.
    const answer = { status: 404, statusText: 'Not Found', headers: {}, config: {}, data: {} } as never;
    throw new AxiosError('Request failed with status code 404', 'ERR_BAD_REQUEST', undefined, undefined, answer);
  });
  plain.get('/api/escaped-refused', () => {
    // The same when that service could not be reached: its network error is not a store of ours.
    throw new AxiosError('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED');
  });
  plain.get('/api/teapot', () => {
    throw new AppError(409, 'INSUFFICIENT_STOCK', 'Not enough stock', { details: [{ field: 'items.0', message: 'short' }] });
  });
  plain.get('/api/relay', async (ctx) => {
    const client = createServiceClient({ baseURL: options.downstreamUrl!, internalToken: INTERNAL_TOKEN });
    const { data } = await client.get('/internal/echo');
    ctx.body = { seenByDownstream: data, here: currentRequestId() };
  });
  const internal = new Router();
  internal.get('/internal/echo', (ctx) => {
    ctx.body = { requestId: ctx.get('X-Request-Id'), token: ctx.get('X-Internal-Token') };
  });
  const apps = createHttpApps({
    service: 'kit-test',
    logger,
    lifecycle,
    readiness: options.readiness,
    publicRoutes: [api, plain],
    internalRoutes: [internal],
    internalToken: INTERNAL_TOKEN,
    openapi: buildOpenApiDocument({ title: 'kit-test', version: '1' }, [api]),
    bodyLimit: '1kb',
  });
  return { apps, lines, lifecycle };
}

describe('the Koa app factory', () => {
  let pub: Awaited<ReturnType<typeof startTestServer>>;
  let internal: Awaited<ReturnType<typeof startTestServer>>;
  let built: ReturnType<typeof buildApps>;
  let ready = true;

  beforeAll(async () => {
    built = buildApps({ readiness: { database: () => { if (!ready) throw new Error('down'); } } });
    pub = await startTestServer(built.apps.publicApp);
    internal = await startTestServer(built.apps.internalApp);
  });
  afterAll(async () => {
    await pub.close(100);
    await internal.close(100);
  });

  it('answers an unknown error with 500 INTERNAL, no details, and logs it with the request id', async () => {
    const res = await http.get(`${pub.url}/api/boom`, { headers: { 'X-Request-Id': 'req-boom-1' } });
    expect(res.status).toBe(500);
    expect(res.data).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error' } });
    expect(JSON.stringify(res.data)).not.toContain('secret');
    const logged = built.lines().find((l) => l.msg === 'unhandled error');
    expect(logged).toMatchObject({ requestId: 'req-boom-1', level: 'error', service: 'kit-test' });
  });

  it.each(['/api/escaped', '/api/escaped-refused'])(
    "answers a call to another service that escaped its caller with 500, not with that service's status or a store's 503 (%s)",
    async (path) => {
      const res = await http.get(`${pub.url}${path}`);
      expect(res.status).toBe(500);
      expect(res.data).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error' } });
    },
  );

  it('turns an operational error into its status, code and details', async () => {
    const res = await http.get(`${pub.url}/api/teapot`);
    expect(res.status).toBe(409);
    expect(res.data).toEqual({
      error: { code: 'INSUFFICIENT_STOCK', message: 'Not enough stock', details: [{ field: 'items.0', message: 'short' }] },
    });
  });

  it('rejects an invalid body with 400 VALIDATION_FAILED naming each field', async () => {
    const res = await http.post(`${pub.url}/api/things`, { name: '', count: 1.5 });
    expect(res.status).toBe(400);
    expect(res.data.error.code).toBe('VALIDATION_FAILED');
    expect(res.data.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['count', 'name']);
  });

  it('rejects text holding the NUL character with 400 VALIDATION_FAILED, since no database here can store or search it', async () => {
    const res = await http.post(`${pub.url}/api/things`, { name: 'a\u0000b', count: 1 });
    expect(res.status).toBe(400);
    expect(res.data.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'name', in: 'body' }] });
  });

  it('rejects text holding a lone UTF-16 surrogate with 400 VALIDATION_FAILED, since PostgreSQL jsonb refuses it', async () => {
    const res = await http.post(`${pub.url}/api/things`, '{"name": "a\\ud800b", "count": 1}', { headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.data.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'name', in: 'body', message: expect.stringContaining('surrogate') }] });
    expect((await http.post(`${pub.url}/api/things`, { name: 'a\u{1F600}b', count: 1 })).status).toBe(201);
  });

  it('names the bad fields of every part of a request in one 400, not only of the first part', async () => {
    const res = await http.patch(`${pub.url}/api/things/not-a-uuid?dryRun=maybe`, { name: '' });
    expect(res.status).toBe(400);
    expect(res.data.error.details.map((d: { in: string; field: string }) => `${d.in}:${d.field}`)).toEqual(['params:id', 'query:dryRun', 'body:name']);
    const one = await http.patch(`${pub.url}/api/things/not-a-uuid`, { name: 'ok' });
    expect(one.data.error).toMatchObject({ message: 'The request params is invalid', details: [{ field: 'id', in: 'params' }] });
  });

  it('answers a body that is not JSON with 415, instead of reading it as an empty object', async () => {
    const id = '6f1c0c52-9d3e-4a59-8a55-0d3c1a4e2b11';
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/merge-patch+json']) {
      const res = await http.patch(`${pub.url}/api/things/${id}`, 'name=new', { headers: { 'Content-Type': type } });
      expect([res.status, res.data.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    }
    for (const type of ['application/json; charset=utf-8', 'application/vnd.api+json']) {
      const json = await http.patch(`${pub.url}/api/things/${id}`, '{"name":"new"}', { headers: { 'Content-Type': type } });
      expect(json.data).toEqual({ id, name: 'new' });
    }
    expect((await http.patch(`${pub.url}/api/things/${id}`)).status).toBe(200);
  });

  it('rejects a malformed path parameter with 400', async () => {
    const res = await http.get(`${pub.url}/api/things/not-a-uuid`);
    expect(res.status).toBe(400);
    expect(res.data.error.details[0]).toMatchObject({ field: 'id', in: 'params' });
  });

  it('drops unknown fields instead of passing them on', async () => {
    const res = await http.post(`${pub.url}/api/things`, { name: 'a', count: 2, role: 'admin', id: 'x' });
    expect(res.status).toBe(201);
    expect(res.data).toEqual({ name: 'a', count: 2 });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await http.post(`${pub.url}/api/things`, '{"name": "a",', { headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.data.error.code).toBe('MALFORMED_JSON');
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await http.post(`${pub.url}/api/things`, { name: 'x'.repeat(5000), count: 1 });
    expect(res.status).toBe(413);
    expect(res.data.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers an unknown route with 404 NOT_FOUND in the error body', async () => {
    const res = await http.get(`${pub.url}/api/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.data).toEqual({ error: { code: 'NOT_FOUND', message: 'Not found' } });
  });

  it('answers a method the route does not take with 405 METHOD_NOT_ALLOWED in the error body and an Allow header', async () => {
    const res = await http.delete(`${pub.url}/api/things`);
    expect(res.status).toBe(405);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.data).toEqual({ error: { code: 'METHOD_NOT_ALLOWED', message: 'Method not allowed' } });
    expect(res.headers.allow).toContain('POST');
  });

  it('answers a method no route implements with 501 NOT_IMPLEMENTED in the error body', async () => {
    const res = await http.request({ method: 'PROPFIND', url: `${pub.url}/api/things` });
    expect(res.status).toBe(501);
    expect(res.data).toEqual({ error: { code: 'NOT_IMPLEMENTED', message: 'Method not implemented' } });
  });

  it('echoes a given X-Request-Id and makes one when absent or unsafe', async () => {
    const given = await http.get(`${pub.url}/healthz`, { headers: { 'X-Request-Id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await http.get(`${pub.url}/healthz`);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const traceStyle = await http.get(`${pub.url}/healthz`, { headers: { 'X-Request-Id': 'Root=1-5759e988/bd862e3f=' } });
    expect(traceStyle.headers['x-request-id']).toBe('Root=1-5759e988/bd862e3f=');
    const unsafe = await http.get(`${pub.url}/healthz`, { headers: { 'X-Request-Id': 'bad id\twith "stuff"' } });
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['a success', '/healthz', 200],
    ['an unknown route', '/api/nowhere', 404],
    ['an unexpected failure', '/api/boom', 500],
  ])('sets security headers and the request id on %s', async (_what, path, status) => {
    const res = await http.get(`${pub.url}${path}`);
    expect(res.status).toBe(status);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers['strict-transport-security']).toContain('max-age=');
    expect(res.headers['x-dns-prefetch-control']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never logs a password', async () => {
    const res = await http.post(`${pub.url}/api/things`, { name: 'with a password', count: 1, password: 'hunter2-very-secret' });
    expect(res.status).toBe(201);
    const logged = built.lines().find((l) => l.msg === 'creating thing' && (l.body as { name?: string }).name === 'with a password');
    expect(logged?.body).toEqual({ name: 'with a password', count: 1, password: '[redacted]' });
    expect(JSON.stringify(built.lines())).not.toContain('hunter2-very-secret');
  });

  it('serves an OpenAPI document built from the validating schemas', async () => {
    const res = await http.get(`${pub.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.data.openapi).toBe('3.0.3');
    expect(Object.keys(res.data.paths).sort()).toEqual(['/api/things', '/api/things/{id}']);
    const body = res.data.paths['/api/things'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['name', 'count']));
  });

  it('reports readiness from the registered checks', async () => {
    expect((await http.get(`${pub.url}/readyz`)).status).toBe(200);
    ready = false;
    const down = await http.get(`${pub.url}/readyz`);
    ready = true;
    expect(down.status).toBe(503);
    expect(down.data.checks).toEqual({ database: 'failing' });
  });

  it('exposes request counts and latency by route template and status', async () => {
    const id = '6f1c1f55-7d8e-4a53-9a53-8a4b6f0e0c11';
    await http.get(`${pub.url}/api/things/${id}`);
    const res = await http.get(`${pub.url}/metrics`);
    expect(res.status).toBe(200);
    expect(metricValue(res.data, 'http_requests_total', { route: '/api/things/:id', status: '200' })).toBeGreaterThan(0);
    expect(res.data).toContain('http_request_duration_seconds_bucket');
    expect(res.data).not.toContain(id);
  });

  it('counts each request once however often the metrics are scraped', async () => {
    const count = async () => {
      const res = await http.get(`${pub.url}/metrics`);
      return metricValue(res.data, 'http_requests_total', { method: 'GET', route: '/api/things/:id', status: '200' });
    };
    const before = await count();
    await http.get(`${pub.url}/api/things/6f1c1f55-7d8e-4a53-9a53-8a4b6f0e0c11`);
    await http.get(`${pub.url}/api/things/6f1c1f55-7d8e-4a53-9a53-8a4b6f0e0c12`);
    expect(await count()).toBe(before + 2);
    expect(await count()).toBe(before + 2);
  });

  it('keeps /internal routes off the public port', async () => {
    const res = await http.get(`${pub.url}/internal/echo`);
    expect(res.status).toBe(404);
  });

  it('refuses internal calls without the right token with 401', async () => {
    expect((await http.get(`${internal.url}/internal/echo`)).status).toBe(401);
    const wrong = await http.get(`${internal.url}/internal/echo`, { headers: { 'X-Internal-Token': 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.data.error.code).toBe('INTERNAL_TOKEN_INVALID');
    const right = await http.get(`${internal.url}/internal/echo`, { headers: { 'X-Internal-Token': INTERNAL_TOKEN } });
    expect(right.status).toBe(200);
  });

  it('checks the internal token before it reads the body: a caller without it learns nothing else', async () => {
    const headers = { 'Content-Type': 'application/json' };
    const malformed = await http.post(`${internal.url}/internal/echo`, '{', { headers });
    expect([malformed.status, malformed.data.error.code]).toEqual([401, 'INTERNAL_TOKEN_INVALID']);
    const oversized = await http.post(`${internal.url}/internal/echo`, JSON.stringify({ pad: 'x'.repeat(200_000) }), { headers });
    expect(oversized.status).toBe(401);
  });

  it('guards the internal port whatever the case of the path', async () => {
    for (const path of ['/INTERNAL/echo', '/Internal/echo', '/internal/ECHO', '/other']) {
      const res = await http.get(`${internal.url}${path}`);
      expect(res.status).toBe(401);
    }
  });

  it('serves nothing but /internal on the internal port', async () => {
    const res = await http.get(`${internal.url}/api/things/6f1c1f55-7d8e-4a53-9a53-8a4b6f0e0c11`, {
      headers: { 'X-Internal-Token': INTERNAL_TOKEN },
    });
    expect(res.status).toBe(404);
  });
});

describe('request-id propagation', () => {
  it('passes the request id and the internal token on service-to-service calls', async () => {
    const downstream = buildApps();
    const downstreamServer = await startTestServer(downstream.apps.internalApp);
    const upstream = buildApps({ downstreamUrl: downstreamServer.url });
    const upstreamServer = await startTestServer(upstream.apps.publicApp);
    try {
      const res = await http.get(`${upstreamServer.url}/api/relay`, { headers: { 'X-Request-Id': 'trace-42' } });
      expect(res.status).toBe(200);
      expect(res.data).toEqual({ seenByDownstream: { requestId: 'trace-42', token: INTERNAL_TOKEN }, here: 'trace-42' });
      const downstreamLog = downstream.lines().find((l) => l.msg === 'request completed' && l.path === '/internal/echo');
      expect(downstreamLog?.requestId).toBe('trace-42');
    } finally {
      await upstreamServer.close(100);
      await downstreamServer.close(100);
    }
  });
});

describe('readiness during shutdown', () => {
  it('turns /readyz to 503 as soon as shutdown starts', async () => {
    const built = buildApps();
    const server = await startTestServer(built.apps.publicApp);
    let release!: () => void;
    built.lifecycle.onShutdown('slow worker', 'workers', () => new Promise<void>((resolve) => { release = resolve; }));
    try {
      expect((await http.get(`${server.url}/readyz`)).status).toBe(200);
      const done = built.lifecycle.shutdown('test');
      const res = await http.get(`${server.url}/readyz`);
      expect(res.status).toBe(503);
      expect(res.data.shuttingDown).toBe(true);
      release();
      await done;
    } finally {
      await server.close(100);
    }
  });
});

describe('informational readiness checks', () => {
  it('reports a degraded optional dependency without failing readiness', async () => {
    const { logger } = captureLogger('kit-test');
    const apps = createHttpApps({
      service: 'kit-test', logger, lifecycle: new Lifecycle(logger),
      readiness: { database: () => undefined },
      informational: { broker: () => { throw new Error('away'); } },
    });
    const server = await startTestServer(apps.publicApp);
    try {
      const res = await http.get(`${server.url}/readyz`);
      expect(res.status).toBe(200);
      expect(res.data.checks).toEqual({ database: 'ok', broker: 'degraded' });
    } finally {
      await server.close(100);
    }
  });
});

describe('a service that is still starting', () => {
  it('is unready and answers 503 on every route but health until isStarted turns true', async () => {
    const { logger } = captureLogger('kit-test');
    let started = false;
    const router = new Router();
    router.get('/api/ping', (ctx) => { ctx.body = { pong: true }; });
    const apps = createHttpApps({
      service: 'kit-test', logger, lifecycle: new Lifecycle(logger),
      isStarted: () => started, readiness: { database: () => undefined }, publicRoutes: [router],
    });
    const server = await startTestServer(apps.publicApp);
    try {
      const early = await http.get(`${server.url}/readyz`);
      expect(early.status).toBe(503);
      expect(early.data.checks).toEqual({ started: 'failing', database: 'ok' });
      const api = await http.get(`${server.url}/api/ping`);
      expect(api.status).toBe(503);
      expect(api.headers['retry-after']).toBe('2');
      expect((await http.get(`${server.url}/healthz`)).status).toBe(200);
      started = true;
      expect((await http.get(`${server.url}/readyz`)).data.checks).toEqual({ started: 'ok', database: 'ok' });
      expect((await http.get(`${server.url}/api/ping`)).data).toEqual({ pong: true });
    } finally {
      await server.close(100);
    }
  });

  it('answers a caller without the internal token 401 on the internal port, not 503', async () => {
    const { logger } = captureLogger('kit-test');
    const router = new Router();
    router.get('/internal/ping', (ctx) => { ctx.body = { pong: true }; });
    const apps = createHttpApps({
      service: 'kit-test', logger, lifecycle: new Lifecycle(logger), isStarted: () => false, internalToken: INTERNAL_TOKEN, internalRoutes: [router],
    });
    const server = await startTestServer(apps.internalApp);
    try {
      expect((await http.get(`${server.url}/internal/ping`)).status).toBe(401);
      expect((await http.get(`${server.url}/internal/ping`, { headers: { 'X-Internal-Token': INTERNAL_TOKEN } })).status).toBe(503);
    } finally {
      await server.close(100);
    }
  });
});

describe('logging a database error', () => {
  it('keeps the message and the SQL but not the bound values or the failing row', () => {
    const { logger, lines } = captureLogger('kit-test');
    const err = Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      query: 'INSERT INTO users (email, password_hash) VALUES ($1, $2)',
      parameters: ['ada@example.com', '$argon2id$v=19$secret-hash'],
      detail: 'Failing row contains (ada@example.com, $argon2id$v=19$secret-hash).',
      driverError: { detail: 'Failing row contains (ada@example.com, $argon2id$v=19$secret-hash).' },
    });
    logger.error({ err }, 'insert failed');
    const [line] = lines();
    expect(JSON.stringify(line)).not.toContain('secret-hash');
    expect(line.err).toMatchObject({ message: expect.stringContaining('duplicate key'), query: expect.stringContaining('INSERT INTO users') });
  });
});
