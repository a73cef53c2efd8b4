import { randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { schemas, unauthenticated } from '@ecommerce/service-kit';
import { ROLES, type Role } from './user';

export const ACCESS_TOKEN_ISSUER = 'user-service';
export const ACCESS_TOKEN_AUDIENCE = 'ecommerce';
export const ACCESS_TOKEN_ALGORITHM = 'HS256';

const invalidToken = () => unauthenticated('The access token is invalid or expired');

export interface AccessTokenClaims {
  userId: string;
}

/** Short-lived HS256 JWTs. Only this service holds the key; other services ask /internal/verify. */
export class AccessTokens {
  private readonly key: Uint8Array;

  constructor(secret: string, readonly ttlSeconds: number) {
    this.key = new TextEncoder().encode(secret);
  }

  issue(user: { id: string; role: Role }): Promise<string> {
    return new SignJWT({ role: user.role })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: 'JWT' })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .setJti(randomUUID())
      .sign(this.key);
  }

  /**
   * The algorithm is pinned, so `alg: none`, asymmetric or other HMAC variants are refused before
   * any signature is looked at; exp, iss, aud and sub must be present and right.
   */
  async verify(token: string): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      // Signed by us, so these hold unless the key leaked; checked anyway before reaching the database.
      const sub = schemas.uuid.safeParse(payload.sub);
      if (!sub.success || !ROLES.includes(payload.role as Role)) throw invalidToken();
      return { userId: sub.data };
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) throw invalidToken();
      throw err;
    }
  }
}
