import { ApiRouter } from '@ecommerce/service-kit';
import { clientAddress } from './client-address';
import type { Sessions } from '../../domain/sessions';
import { loginBody, refreshTokenBody, tokenPairSchema } from './user.schemas';

const TAGS = ['sessions'];

/** Sign-in, token refresh and sign-out. None needs an access token. */
export function sessionsRoutes(sessions: Sessions): ApiRouter {
  return new ApiRouter()
    .route({
      method: 'post',
      path: '/api/users/login',
      summary: 'Sign in with email and password',
      tags: TAGS,
      body: loginBody,
      responses: {
        200: { description: 'an access token (JWT, 15 minutes) and a refresh token', schema: tokenPairSchema },
        400: { description: 'missing email or password (VALIDATION_FAILED)' },
        401: { description: 'unknown email or wrong password, indistinguishably (INVALID_CREDENTIALS)' },
        429: { description: 'too many attempts for this account from this address, or from all addresses together; see Retry-After (TOO_MANY_ATTEMPTS)' },
        503: { description: 'too many password hashes in progress at once; see Retry-After (SERVICE_UNAVAILABLE)' },
      },
      handler: async (ctx, { body }) => {
        ctx.body = await sessions.login(body.email, body.password, clientAddress(ctx));
      },
    })
    .route({
      method: 'post',
      path: '/api/users/token/refresh',
      summary: 'Trade a refresh token for a new pair; the presented one stops working',
      tags: TAGS,
      body: refreshTokenBody,
      responses: {
        200: { description: 'a new access token and refresh token', schema: tokenPairSchema },
        400: { description: 'missing refreshToken (VALIDATION_FAILED)' },
        401: { description: 'unknown, expired or already used; reuse of a used one revokes its whole family (UNAUTHENTICATED)' },
      },
      handler: async (ctx, { body }) => {
        ctx.body = await sessions.refresh(body.refreshToken);
      },
    })
    .route({
      method: 'post',
      path: '/api/users/logout',
      summary: 'Sign out: revoke the refresh token and its family',
      tags: TAGS,
      body: refreshTokenBody,
      responses: {
        204: { description: 'revoked (also answered for an unknown token)' },
        400: { description: 'missing refreshToken (VALIDATION_FAILED)' },
      },
      handler: async (ctx, { body }) => {
        await sessions.logout(body.refreshToken);
        ctx.status = 204;
      },
    });
}
