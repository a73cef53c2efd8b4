import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { serviceUnavailable } from '@ecommerce/service-kit';

/**
 * Argon2id at OWASP's minimum profile (19 MiB, 2 passes, 1 lane): about 40 ms per hash here, and
 * hashing runs on libuv's small thread pool, so even 20 concurrent logins stay far below 400 MB.
 */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Sign-ins and sign-ups one replica works on at once. Each costs up to two hashes of ~40 ms on
 * libuv's four threads, so 32 waiting is about half a second of queue. Unbounded, a flood (made-up
 * emails need no account) would grow the queue until every sign-in timed out; bounded, the admitted
 * ones finish and the rest get a 503 at once.
 */
const DEFAULT_MAX_IN_FLIGHT = 32;

export class PasswordHasher {
  /** Verified against for unknown accounts, so the answer takes as long as for a wrong password. */
  private readonly dummyHash: Promise<string>;
  private readonly maxInFlight: number;
  private inFlight = 0;

  constructor(options: { maxInFlight?: number } = {}) {
    this.dummyHash = argon2.hash(randomBytes(32).toString('base64url'), ARGON2_OPTIONS);
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  }

  /**
   * Runs a sign-in or sign-up whose hashing this replica has room for, or refuses it at once with
   * 503 and Retry-After before it does anything (a refused sign-in counts no attempt).
   */
  async admit<T>(work: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.maxInFlight) {
      throw serviceUnavailable('Too many sign-ins and sign-ups at once, try again shortly');
    }
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  /** False for a wrong password and for a missing account (after the same amount of work). */
  async verify(storedHash: string | undefined, password: string): Promise<boolean> {
    const matches = await argon2.verify(storedHash ?? (await this.dummyHash), password);
    return matches && storedHash !== undefined;
  }

  /** True when a stored hash was made with weaker (or other) parameters than today's. */
  needsRehash(storedHash: string): boolean {
    return argon2.needsRehash(storedHash, ARGON2_OPTIONS);
  }
}
