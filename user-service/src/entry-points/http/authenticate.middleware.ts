import type { Middleware } from 'koa';
import { bearerToken, unauthenticated, type AuthenticatedUser } from '@ecommerce/service-kit';
import type { Sessions } from '../../domain/sessions';
import type { PublicUser } from '../../domain/user';

/**
 * user-service holds the key, so it checks tokens itself, and loads the user so role changes show
 * at once. Sets ctx.state.user (who is asking) and ctx.state.account (the loaded user, for /me).
 */
export const authenticate =
  (sessions: Sessions): Middleware =>
  async (ctx, next) => {
    const account = await sessions.authenticate(bearerToken(ctx.get('Authorization')));
    ctx.state.user = { userId: account.id, email: account.email, role: account.role } satisfies AuthenticatedUser;
    ctx.state.account = account;
    return next();
  };

/** The signed-in user as loaded by `authenticate`, or 401. */
export function signedInAccount(state: { account?: PublicUser }): PublicUser {
  if (!state.account) throw unauthenticated();
  return state.account;
}
