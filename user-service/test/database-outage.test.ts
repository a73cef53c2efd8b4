import { eventually, startTcpProxy, testPostgresAdminUrl, type TcpProxy } from '@ecommerce/service-kit/testing';
import { ADMIN, bearer, signUp, startUserService, type RunningUserService } from './support/user-service-harness';

// PostgreSQL behind a TCP hop the test can cut, as a database that restarts or fails over.
let proxy: TcpProxy;
let svc: RunningUserService;
beforeAll(async () => {
  proxy = await startTcpProxy(testPostgresAdminUrl());
  svc = await startUserService({ prefix: 'users_outage', connectVia: (databaseUrl) => proxy.urlFor(databaseUrl) });
});
afterAll(async () => {
  proxy?.restore();
  await svc?.close();
  await proxy?.close();
});

describe('user-service while PostgreSQL is unreachable', () => {
  it('answers sign-ins and signed-in requests with 503 SERVICE_UNAVAILABLE and Retry-After, not 500, and serves them again once PostgreSQL is back', async () => {
    const { tokens } = await signUp(svc.api, 'outage');
    const me = () => svc.api.get('/api/users/me', bearer(tokens.accessToken));
    expect((await me()).status).toBe(200);

    proxy.cut();
    for (const answer of [await me(), await svc.api.post('/api/users/login', { email: ADMIN.email, password: ADMIN.password })]) {
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('1');
      expect(answer.data).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: 'A store this service needs is unreachable, try again shortly' } });
    }

    proxy.restore();
    await eventually(async () => expect((await me()).status).toBe(200));
  });
});
