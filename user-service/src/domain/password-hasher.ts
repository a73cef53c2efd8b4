import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';

/**
 * Argon2id at OWASP's minimum profile (19 MiB, 2 passes, 1 lane): about 40 ms per hash here, and
 * hashing runs on libuv's small thread pool, so even 20 concurrent logins stay far below 400 MB.
 */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export class PasswordHasher {
  /** Verified against for unknown accounts, so the answer takes as long as for a wrong password. */
  private readonly dummyHash: Promise<string>;

  constructor() {
    this.dummyHash = argon2.hash(randomBytes(32).toString('base64url'), ARGON2_OPTIONS);
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
