import { z } from 'zod';
import { normaliseEmail, ROLES } from '../../domain/user';

/** Request and response shapes of the public API; they validate requests and document them in OpenAPI. */

export const emailInput = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email())
  .meta({ format: 'email', example: 'alice@example.com' });

export const registerBody = z.object({
  email: emailInput,
  password: z.string().min(8, 'must be at least 8 characters').max(128, 'must be at most 128 characters'),
  name: z.string().trim().min(1).max(100),
});

/**
 * Any string is looked up: malformed and unknown emails get the same 401 as a wrong password. The
 * length is checked as stored: lower-casing can lengthen a string ('İ' becomes two characters).
 */
export const loginBody = z.object({
  email: z
    .string()
    .min(1)
    .max(1024)
    .refine((email) => normaliseEmail(email).length <= 254, 'must be at most 254 characters'),
  password: z.string().min(1).max(1024),
});

export const refreshTokenBody = z.object({ refreshToken: z.string().min(1).max(512) });

/** Only the name: anything else in the body (role, email, id) is dropped, never applied. */
export const updateMeBody = z.object({ name: z.string().trim().min(1).max(100).optional() });

export const roleBody = z.object({ role: z.enum(ROLES) });

export const userIdParams = z.object({ id: z.uuid() });

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: z.iso.datetime(),
});

export const tokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().meta({ description: 'seconds until the access token expires' }),
});

export const verifiedUserSchema = z.object({ userId: z.uuid(), email: z.string(), role: z.enum(ROLES) });
