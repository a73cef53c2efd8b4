import type { Middleware } from 'koa';
import { forbidden, unauthenticated, type AuthenticatedUser } from '@ecommerce/service-kit';
import type { Sessions } from '../../domain/sessions';
import type { Role } from '../../domain/user';

const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/** The access token from an `Authorization: Bearer …` header, or 401. */
export function bearerTokenOf(header: string | undefined): string {
  const match = header ? BEARER.exec(header.trim()) : null;
  if (!match) throw unauthenticated('A Bearer access token is required');
  return match[1];
}

/** user-service holds the key, so it checks tokens itself (and loads the user, so role changes show at once). */
export const authenticate =
  (sessions: Sessions): Middleware =>
  async (ctx, next) => {
    ctx.state.user = await sessions.authenticate(bearerTokenOf(ctx.get('Authorization')));
    return next();
  };

export const requireRole =
  (...roles: Role[]): Middleware =>
  (ctx, next) => {
    const user = ctx.state.user as AuthenticatedUser | undefined;
    if (!user) throw unauthenticated();
    if (!roles.includes(user.role)) throw forbidden();
    return next();
  };

export const currentUser = (state: { user?: AuthenticatedUser }): AuthenticatedUser => {
  if (!state.user) throw unauthenticated();
  return state.user;
};
