import Koa from 'koa';
import Router from '@koa/router';
import axios from 'axios';
import { Lifecycle, UserAuthenticator, createHttpApps, createServiceClient, isTransientHttpError, requireRole } from '../src';
import { captureLogger, silentLogger, startTestServer } from '../src/testing';

const http = axios.create({ validateStatus: () => true });
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Shaped like a JWT; the fake user-service decides validity, the authenticator only reads exp. */
const token = (sub: string, expSeconds: number) => `${base64url({ alg: 'HS256' })}.${base64url({ sub, exp: expSeconds })}.sig`;

/** A stand-in user-service internal port that counts verify calls. */
async function fakeUserService() {
  const state = { calls: 0, roles: new Map<string, string>(), onVerify: (): void => undefined };
  const app = new Koa();
  const router = new Router();
  router.post('/internal/verify', (ctx) => {
    state.calls++;
    state.onVerify();
    const raw = ctx.get('Authorization').replace(/^Bearer /, '');
    const sub = JSON.parse(Buffer.from(raw.split('.')[1], 'base64url').toString()).sub as string;
    const role = state.roles.get(sub);
    if (!role) {
      ctx.status = 401;
      ctx.body = { error: { code: 'UNAUTHENTICATED', message: 'bad token' } };
      return;
    }
    ctx.body = { userId: sub, email: `${sub}@example.com`, role };
  });
  app.use(router.routes());
  const server = await startTestServer(app);
  return { state, server };
}

function protectedApp(auth: UserAuthenticator) {
  const router = new Router();
  router.get('/api/me', auth.authenticate, (ctx) => { ctx.body = ctx.state.user; });
  router.get('/api/admin', auth.authenticate, requireRole('admin'), (ctx) => { ctx.body = { ok: true }; });
  const logger = silentLogger();
  return createHttpApps({ service: 'auth-test', logger, lifecycle: new Lifecycle(logger), publicRoutes: [router] }).publicApp;
}

describe('user authentication through user-service', () => {
  let clock = Date.now();
  const now = () => clock;
  const inSeconds = (s: number) => Math.floor(clock / 1000) + s;

  it('authenticates with user-service and caches the answer', async () => {
    const { state, server } = await fakeUserService();
    state.roles.set('u1', 'customer');
    const auth = new UserAuthenticator({ userService: createServiceClient({ baseURL: server.url }), logger: silentLogger(), now });
    const app = await startTestServer(protectedApp(auth));
    try {
      const headers = { Authorization: `Bearer ${token('u1', inSeconds(900))}` };
      const first = await http.get(`${app.url}/api/me`, { headers });
      const second = await http.get(`${app.url}/api/me`, { headers });
      expect(first.status).toBe(200);
      expect(first.data).toEqual({ userId: 'u1', email: 'u1@example.com', role: 'customer' });
      expect(second.status).toBe(200);
      expect(state.calls).toBe(1);
    } finally {
      await app.close(100);
      await server.close(100);
    }
  });

  it('asks again once 30 seconds have passed', async () => {
    const { state, server } = await fakeUserService();
    state.roles.set('u2', 'customer');
    const auth = new UserAuthenticator({ userService: createServiceClient({ baseURL: server.url }), logger: silentLogger(), now });
    const header = `Bearer ${token('u2', inSeconds(900))}`;
    try {
      await auth.verify(header);
      clock += 29_000;
      await auth.verify(header);
      expect(state.calls).toBe(1);
      clock += 2_000;
      state.roles.set('u2', 'admin'); // a role change shows once the cache entry is gone
      expect((await auth.verify(header)).role).toBe('admin');
      expect(state.calls).toBe(2);
    } finally {
      await server.close(100);
    }
  });

  it('counts the 30 seconds from when user-service was asked, not from when it answered', async () => {
    const { state, server } = await fakeUserService();
    state.roles.set('u7', 'customer');
    state.onVerify = () => { clock += 5_000; }; // a slow answer: 5 s between asking and hearing back
    const auth = new UserAuthenticator({ userService: createServiceClient({ baseURL: server.url }), logger: silentLogger(), now });
    const header = `Bearer ${token('u7', inSeconds(900))}`;
    try {
      await auth.verify(header);
      state.onVerify = () => undefined;
      clock += 24_000; // 29 s after asking
      await auth.verify(header);
      expect(state.calls).toBe(1);
      clock += 2_000; // 31 s after asking, 26 s after the answer
      await auth.verify(header);
      expect(state.calls).toBe(2);
    } finally {
      await server.close(100);
    }
  });

  it('never caches past the token expiry', async () => {
    const { state, server } = await fakeUserService();
    state.roles.set('u3', 'customer');
    const auth = new UserAuthenticator({ userService: createServiceClient({ baseURL: server.url }), logger: silentLogger(), now });
    const header = `Bearer ${token('u3', inSeconds(5))}`;
    try {
      await auth.verify(header);
      clock += 6_000;
      state.roles.delete('u3'); // user-service now refuses the expired token
      await expect(auth.verify(header)).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      expect(state.calls).toBe(2);
    } finally {
      await server.close(100);
    }
  });

  it('keeps the cache bounded, forgetting the least recently used token', async () => {
    const { state, server } = await fakeUserService();
    ['a', 'b', 'c'].forEach((u) => state.roles.set(u, 'customer'));
    const auth = new UserAuthenticator({
      userService: createServiceClient({ baseURL: server.url }), logger: silentLogger(), now, cacheMaxEntries: 2,
    });
    const [a, b, c] = ['a', 'b', 'c'].map((u) => `Bearer ${token(u, inSeconds(900))}`);
    try {
      await auth.verify(a);
      await auth.verify(b);
      await auth.verify(c);
      expect(state.calls).toBe(3);
      await auth.verify(c);
      expect(state.calls).toBe(3);
      await auth.verify(a);
      expect(state.calls).toBe(4);
    } finally {
      await server.close(100);
    }
  });

  it('shares one verify call among concurrent requests with the same token', async () => {
    const { state, server } = await fakeUserService();
    state.roles.set('u4', 'customer');
    const auth = new UserAuthenticator({ userService: createServiceClient({ baseURL: server.url }), logger: silentLogger(), now });
    const header = `Bearer ${token('u4', inSeconds(900))}`;
    try {
      await Promise.all(Array.from({ length: 10 }, () => auth.verify(header)));
      expect(state.calls).toBe(1);
    } finally {
      await server.close(100);
    }
  });

  it('answers 401 for a missing, malformed or refused token', async () => {
    const { state, server } = await fakeUserService();
    const auth = new UserAuthenticator({ userService: createServiceClient({ baseURL: server.url }), logger: silentLogger(), now });
    const app = await startTestServer(protectedApp(auth));
    try {
      const missing = await http.get(`${app.url}/api/me`);
      expect(missing.status).toBe(401);
      expect(missing.headers['www-authenticate']).toBe('Bearer');
      expect((await http.get(`${app.url}/api/me`, { headers: { Authorization: 'Basic abc' } })).status).toBe(401);
      expect(state.calls).toBe(0);
      const refused = await http.get(`${app.url}/api/me`, { headers: { Authorization: `Bearer ${token('nobody', inSeconds(900))}` } });
      expect(refused.status).toBe(401);
      expect(refused.data.error.code).toBe('UNAUTHENTICATED');
      expect(refused.headers['www-authenticate']).toBe('Bearer');
    } finally {
      await app.close(100);
      await server.close(100);
    }
  });

  it('answers 403 FORBIDDEN when the role is not allowed', async () => {
    const { state, server } = await fakeUserService();
    state.roles.set('cust', 'customer');
    state.roles.set('boss', 'admin');
    const auth = new UserAuthenticator({ userService: createServiceClient({ baseURL: server.url }), logger: silentLogger(), now });
    const app = await startTestServer(protectedApp(auth));
    try {
      const customer = await http.get(`${app.url}/api/admin`, { headers: { Authorization: `Bearer ${token('cust', inSeconds(900))}` } });
      expect(customer.status).toBe(403);
      expect(customer.data.error.code).toBe('FORBIDDEN');
      const admin = await http.get(`${app.url}/api/admin`, { headers: { Authorization: `Bearer ${token('boss', inSeconds(900))}` } });
      expect(admin.status).toBe(200);
    } finally {
      await app.close(100);
      await server.close(100);
    }
  });

  it("answers 503 and logs an error, not the user's 401, when user-service refuses this service's internal token", async () => {
    const { logger, lines } = captureLogger('auth-test');
    const verify = new Router();
    verify.post('/internal/verify', (ctx) => { ctx.body = { userId: 'u6', email: 'u6@example.com', role: 'customer' }; });
    const userService = createHttpApps({
      service: 'user-service', logger: silentLogger(), lifecycle: new Lifecycle(silentLogger()), internalToken: 'the-token-user-service-has', internalRoutes: [verify],
    });
    const server = await startTestServer(userService.internalApp);
    const client = createServiceClient({ baseURL: server.url, internalToken: 'an-older-token-this-pod-has' });
    const auth = new UserAuthenticator({ userService: client, logger, now });
    const app = await startTestServer(protectedApp(auth));
    try {
      const res = await http.get(`${app.url}/api/me`, { headers: { Authorization: `Bearer ${token('u6', inSeconds(900))}` } });
      expect([res.status, res.data.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      expect(lines()).toContainEqual(expect.objectContaining({ level: 'error', msg: expect.stringContaining('INTERNAL_API_TOKEN') }));
      const refused = await client.post('/internal/verify').catch((err: unknown) => err);
      expect(isTransientHttpError(refused)).toBe(true);
    } finally {
      await app.close(100);
      await server.close(100);
    }
  });

  it('answers 503, not 500, when user-service is unreachable', async () => {
    const { server } = await fakeUserService();
    const deadUrl = server.url;
    await server.close(100);
    const auth = new UserAuthenticator({ userService: createServiceClient({ baseURL: deadUrl, timeoutMs: 1000 }), logger: silentLogger(), now });
    const app = await startTestServer(protectedApp(auth));
    try {
      const res = await http.get(`${app.url}/api/me`, { headers: { Authorization: `Bearer ${token('u5', inSeconds(900))}` } });
      expect(res.status).toBe(503);
      expect(res.data.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(res.headers['retry-after']).toBe('1');
    } finally {
      await app.close(100);
    }
  });
});
