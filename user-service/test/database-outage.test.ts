import { eventually, startTcpProxy, testPostgresAdminUrl, type TcpProxy } from '@ecommerce/service-kit/testing';
import { ADMIN, bearer, signUp, startUserService, type RunningUserService } from './support/user-service-harness';

// PostgreSQL behind a TCP hop the test can cut, as a database that restarts or fails over.
let proxy: TcpProxy;
let svc: RunningUserService;
beforeAll(async () => {
  const server = new URL(testPostgresAdminUrl());
  proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
  svc = await startUserService({
    prefix: 'users_outage',
    connectVia: (databaseUrl) => {
      const url = new URL(databaseUrl);
      url.hostname = proxy.host;
      url.port = String(proxy.port);
      return url.toString();
    },
  });
});
afterAll(async () => {
  proxy?.restore();
  await svc?.close();
  await proxy?.close();
});

describe('while its database is unreachable', () => {
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After instead of a 500, and serves again once the database is back', async () => {
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
