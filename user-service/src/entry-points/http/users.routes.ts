import type { Accounts } from '../../domain/accounts';
import type { Sessions } from '../../domain/sessions';
import { ApiRouter, requireRole, schemas } from '@ecommerce/service-kit';
import { authenticate, signedInAccount } from './authenticate.middleware';
import { registerBody, roleBody, updateMeBody, userIdParams, userSchema } from './user.schemas';

const TAGS = ['users'];
const UNAUTHENTICATED = { 401: { description: 'missing, invalid or expired access token (UNAUTHENTICATED)' } };
const ADMIN_ONLY = { ...UNAUTHENTICATED, 403: { description: 'not an admin (FORBIDDEN)' } };

/** Accounts: sign-up, one's own profile, and the admin's view of everyone. */
export function usersRoutes(accounts: Accounts, sessions: Sessions): ApiRouter {
  const signedIn = authenticate(sessions);
  const adminOnly = [signedIn, requireRole('admin')];
  return new ApiRouter()
    .route({
      method: 'post',
      path: '/api/users/register',
      summary: 'Create a customer account (the role is always customer)',
      tags: TAGS,
      body: registerBody,
      responses: {
        201: { description: 'the new user', schema: userSchema },
        400: { description: 'invalid email, name, or a password shorter than 8 characters (VALIDATION_FAILED)' },
        409: { description: 'the email already has an account, compared case-insensitively (EMAIL_TAKEN)' },
        503: { description: 'too many password hashes in progress at once; see Retry-After (SERVICE_UNAVAILABLE)' },
      },
      handler: async (ctx, { body }) => {
        ctx.status = 201;
        ctx.body = await accounts.register(body);
      },
    })
    .route({
      method: 'get',
      path: '/api/users/me',
      summary: 'The signed-in user',
      tags: TAGS,
      security: 'bearer',
      middleware: [signedIn],
      responses: { 200: { description: 'the user', schema: userSchema }, ...UNAUTHENTICATED },
      handler: (ctx) => {
        ctx.body = signedInAccount(ctx.state);
      },
    })
    .route({
      method: 'patch',
      path: '/api/users/me',
      summary: 'Change one’s own name (other fields are ignored)',
      tags: TAGS,
      security: 'bearer',
      middleware: [signedIn],
      body: updateMeBody,
      responses: { 200: { description: 'the updated user', schema: userSchema }, 400: { description: 'invalid name' }, ...UNAUTHENTICATED },
      handler: async (ctx, { body }) => {
        ctx.body = await accounts.updateProfile(signedInAccount(ctx.state), body);
      },
    })
    .route({
      method: 'get',
      path: '/api/users',
      summary: 'List users, oldest first (admin)',
      tags: TAGS,
      security: 'bearer',
      middleware: adminOnly,
      query: schemas.paging,
      responses: { 200: { description: 'a page of users', schema: schemas.page(userSchema) }, 400: { description: 'bad page or limit' }, ...ADMIN_ONLY },
      handler: async (ctx, { query }) => {
        ctx.body = await accounts.list(query.page, query.limit);
      },
    })
    .route({
      method: 'patch',
      path: '/api/users/:id/role',
      summary: 'Change a user’s role (admin)',
      tags: TAGS,
      security: 'bearer',
      middleware: adminOnly,
      params: userIdParams,
      body: roleBody,
      responses: {
        200: { description: 'the updated user', schema: userSchema },
        400: { description: 'id is not a UUID or role is not customer/admin (VALIDATION_FAILED)' },
        ...ADMIN_ONLY,
        404: { description: 'no such user (NOT_FOUND)' },
        409: { description: 'demoting the only admin (LAST_ADMIN)' },
      },
      handler: async (ctx, { params, body }) => {
        ctx.body = await accounts.changeRole(params.id, body.role);
      },
    });
}
