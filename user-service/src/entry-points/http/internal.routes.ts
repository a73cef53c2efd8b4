import { ApiRouter, currentUser } from '@ecommerce/service-kit';
import type { Sessions } from '../../domain/sessions';
import { authenticate } from './authenticate.middleware';
import { verifiedUserSchema } from './user.schemas';

/** Served on the internal port only; the app factory puts it behind X-Internal-Token. */
export function internalRoutes(sessions: Sessions): ApiRouter {
  return new ApiRouter().route({
    method: 'post',
    path: '/internal/verify',
    summary: 'Who holds this access token (passed in the Authorization header)',
    security: 'internal',
    middleware: [authenticate(sessions)],
    responses: {
      200: { description: 'the token’s user, with the current email and role', schema: verifiedUserSchema },
      401: { description: 'bad internal token, or a missing, invalid or expired access token, or a deleted user' },
    },
    handler: (ctx) => {
      ctx.body = currentUser(ctx.state);
    },
  });
}
