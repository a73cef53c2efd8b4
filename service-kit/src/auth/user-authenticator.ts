import { hash } from 'node:crypto';
import type { Middleware } from 'koa';
import type { AxiosInstance } from 'axios';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { forbidden, serviceUnavailable, unauthenticated } from '../errors/app-error';
import { httpStatusOf, isInternalTokenRefused } from '../client/http-client';

export type Role = 'customer' | 'admin';

/** Who made a request, as user-service vouches for it. */
export interface AuthenticatedUser {
  userId: string;
  email: string;
  role: Role;
}

export interface UserAuthenticatorOptions {
  /** A client for user-service's internal port (see createServiceClient). */
  userService: AxiosInstance;
  logger: Logger;
  /** Upper bound for caching a good answer; the contract allows at most 30 s. */
  cacheTtlMs?: number;
  /** Bound on memory: least recently used tokens are forgotten first. */
  cacheMaxEntries?: number;
  now?: () => number;
}

const MAX_CACHE_TTL_MS = 30_000;

/** `exp` read without verifying the signature: it only ever shortens how long we cache user-service's own answer. */
function expiryMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The access token from an `Authorization: Bearer …` header, or 401. */
export function bearerToken(header: string | undefined): string {
  const match = header ? /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim()) : null;
  if (!match) throw unauthenticated('A Bearer access token is required');
  return match[1];
}

/** Koa middleware for routes only some roles may use; runs after whatever set ctx.state.user. */
export function requireRole(...roles: Role[]): Middleware {
  return function checkRole(ctx, next) {
    const user = ctx.state.user as AuthenticatedUser | undefined;
    if (!user) throw unauthenticated();
    if (!roles.includes(user.role)) throw forbidden();
    return next();
  };
}

/** Tokens are kept in memory only as their digests (one-shot `hash`: half the cost of a Hash object, on every request). */
const cacheKey = (token: string): string => hash('sha256', token, 'base64url');

/** The authenticated user of a request (set by an authenticate middleware), or 401. */
export function currentUser(state: { user?: AuthenticatedUser }): AuthenticatedUser {
  if (!state.user) throw unauthenticated();
  return state.user;
}

/**
 * Authenticates users by asking user-service (`POST /internal/verify`), caching good answers
 * for at most 30 s and never past the token's expiry. Concurrent checks of one token share one call.
 */
export class UserAuthenticator {
  private readonly cache: LRUCache<string, AuthenticatedUser>;
  private readonly pending = new Map<string, Promise<AuthenticatedUser>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: UserAuthenticatorOptions) {
    this.ttlMs = Math.min(options.cacheTtlMs ?? MAX_CACHE_TTL_MS, MAX_CACHE_TTL_MS);
    this.now = options.now ?? Date.now;
    this.cache = new LRUCache({ max: options.cacheMaxEntries ?? 10_000, ttlAutopurge: false, ttlResolution: 0, perf: { now: this.now } });
  }

  /**
   * Koa middleware: sets ctx.state.user or throws 401 / 503. A token in the cache (the usual case)
   * is settled synchronously, without a promise of its own.
   */
  readonly authenticate: Middleware = (ctx, next) => {
    const token = bearerToken(ctx.get('Authorization'));
    const key = cacheKey(token);
    const cached = this.cache.get(key);
    if (cached) {
      ctx.state.user = cached;
      return next();
    }
    return this.lookUp(token, key).then((user) => {
      ctx.state.user = user;
      return next();
    });
  };

  async verify(authorizationHeader: string | undefined): Promise<AuthenticatedUser> {
    const token = bearerToken(authorizationHeader);
    const key = cacheKey(token);
    return this.cache.get(key) ?? this.lookUp(token, key);
  }

  /** One call to user-service per token at a time, however many requests carry it. */
  private lookUp(token: string, key: string): Promise<AuthenticatedUser> {
    let call = this.pending.get(key);
    if (!call) {
      call = this.callUserService(token, key).finally(() => this.pending.delete(key));
      this.pending.set(key, call);
    }
    return call;
  }

  private async callUserService(token: string, key: string): Promise<AuthenticatedUser> {
    // The answer is as old as the question: its lifetime counts from when user-service was asked.
    const askedAt = this.now();
    let user: AuthenticatedUser;
    try {
      const response = await this.options.userService.post<AuthenticatedUser>('/internal/verify', undefined, {
        headers: { Authorization: `Bearer ${token}` },
      });
      user = { userId: response.data.userId, email: response.data.email, role: response.data.role };
    } catch (err) {
      if (isInternalTokenRefused(err)) {
        this.options.logger.error('user-service refused this service\'s INTERNAL_API_TOKEN; the services must share one token');
      } else if (httpStatusOf(err) === 401) {
        throw unauthenticated('The access token is invalid or expired');
      } else {
        this.options.logger.warn({ err: (err as Error).message }, 'user-service verify failed');
      }
      throw serviceUnavailable('Authentication is unavailable, try again shortly');
    }
    const expiresAt = expiryMs(token);
    const ttl = expiresAt === undefined ? 0 : Math.min(askedAt + this.ttlMs, expiresAt) - this.now();
    if (ttl > 0) this.cache.set(key, user, { ttl });
    return user;
  }
}
