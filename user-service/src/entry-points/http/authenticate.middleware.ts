import type { Middleware } from 'koa';
import { bearerToken } from '@ecommerce/service-kit';
import type { Sessions } from '../../domain/sessions';

/** user-service holds the key, so it checks tokens itself (and loads the user, so role changes show at once). */
export const authenticate =
  (sessions: Sessions): Middleware =>
  async (ctx, next) => {
    ctx.state.user = await sessions.authenticate(bearerToken(ctx.get('Authorization')));
    return next();
  };
