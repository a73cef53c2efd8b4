import { timingSafeEqual, createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import { AppError } from '../../errors/app-error';

export const INTERNAL_TOKEN_HEADER = 'X-Internal-Token';

/**
 * The code of the internal port's 401. It is not UNAUTHENTICATED, so that a caller can tell its
 * own wrong token (a configuration fault, or a rollout of a new token half done) from a user's.
 */
export const INTERNAL_TOKEN_INVALID = 'INTERNAL_TOKEN_INVALID';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Service-to-service guard on the internal port: the shared token or 401, compared in constant time. */
export function requireInternalToken(expected: string): Middleware {
  const expectedDigest = digest(expected);
  return function checkInternalToken(ctx, next) {
    const presented = ctx.get(INTERNAL_TOKEN_HEADER);
    if (!presented || !timingSafeEqual(digest(presented), expectedDigest)) {
      throw new AppError(401, INTERNAL_TOKEN_INVALID, 'A valid internal token is required');
    }
    return next();
  };
}
