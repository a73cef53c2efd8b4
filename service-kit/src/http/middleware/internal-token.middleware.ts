import { timingSafeEqual, createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import { AppError } from '../../errors/app-error';

export const INTERNAL_TOKEN_HEADER = 'X-Internal-Token';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Service-to-service guard on the internal port: the shared token or 401, compared in constant time. */
export function requireInternalToken(expected: string): Middleware {
  const expectedDigest = digest(expected);
  return function checkInternalToken(ctx, next) {
    const presented = ctx.get(INTERNAL_TOKEN_HEADER);
    if (!presented || !timingSafeEqual(digest(presented), expectedDigest)) {
      throw new AppError(401, 'UNAUTHENTICATED', 'A valid internal token is required');
    }
    return next();
  };
}
