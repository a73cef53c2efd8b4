import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';
import { startTestServer } from './helpers';
import type { AuthenticatedUser, Role } from '../auth/user-authenticator';

/**
 * A stand-in for user-service's internal port (`POST /internal/verify`) for product-service and
 * order-service tests that are about their own rules, not about sign-in. It issues opaque
 * JWT-shaped tokens and knows who holds each. The real user-service is exercised by its own
 * tests and by the end-to-end replay.
 */
export async function startUserServiceDouble(internalToken: string) {
  const users = new Map<string, AuthenticatedUser>();
  let available = true;
  const app = new Koa();
  const router = new Router();
  router.post('/internal/verify', (ctx) => {
    if (!available) { ctx.status = 503; ctx.body = { error: { code: 'SERVICE_UNAVAILABLE', message: 'down' } }; return; }
    if (ctx.get('X-Internal-Token') !== internalToken) { ctx.status = 401; ctx.body = { error: { code: 'INTERNAL_TOKEN_INVALID', message: 'internal token' } }; return; }
    const user = users.get(ctx.get('Authorization').replace(/^Bearer /, ''));
    if (!user) { ctx.status = 401; ctx.body = { error: { code: 'UNAUTHENTICATED', message: 'bad token' } }; return; }
    ctx.body = user;
  });
  app.use(router.routes());
  const server = await startTestServer(app);
  return {
    url: server.url,
    /** A bearer token for a new user with that role; returns the header value and the user. */
    login(role: Role = 'customer', userId: string = randomUUID()): { authorization: string; user: AuthenticatedUser } {
      const exp = Math.floor(Date.now() / 1000) + 900;
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const token = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: userId, role, exp, jti: randomUUID() })}.test`;
      const user = { userId, email: `${userId.slice(0, 8)}@example.com`, role };
      users.set(token, user);
      return { authorization: `Bearer ${token}`, user };
    },
    setAvailable(value: boolean) { available = value; },
    close: () => server.close(100),
  };
}
