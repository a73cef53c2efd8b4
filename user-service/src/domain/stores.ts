import type { Role, UserRecord } from './user';

/** What the domain needs from storage; data-access implements these over PostgreSQL. */

export interface NewUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
}

export interface UserStore {
  /** 'email-taken' when the (normalised) email already has an account, however close the race. */
  insert(user: NewUser): Promise<UserRecord | 'email-taken'>;
  findById(id: string): Promise<UserRecord | undefined>;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  list(offset: number, limit: number): Promise<{ items: UserRecord[]; total: number }>;
  /** The renamed user, or undefined when there is no such user. */
  updateName(id: string, name: string): Promise<UserRecord | undefined>;
  updatePasswordHash(id: string, passwordHash: string): Promise<void>;
  /** Refuses ('last-admin') to leave the system without any admin, even when two demotions race. */
  changeRole(id: string, role: Role): Promise<UserRecord | 'not-found' | 'last-admin'>;
}

export interface NewRefreshToken {
  id: string;
  tokenHash: string;
  ttlSeconds: number;
}

export type RotationResult =
  /** `role` is the user's role as stored at the moment of rotation. */
  | { outcome: 'rotated'; userId: string; familyId: string; role: Role }
  /** The token had already been rotated or revoked: its whole family is now revoked. */
  | { outcome: 'reused'; userId: string; familyId: string }
  | { outcome: 'invalid' };

export interface RefreshTokenStore {
  /** Starts a new family (one sign-in) with its first token. */
  startFamily(userId: string, familyId: string, token: NewRefreshToken): Promise<void>;
  /** Atomically retires the presented token and issues its successor in the same family. */
  rotate(presentedHash: string, next: NewRefreshToken): Promise<RotationResult>;
  /** Revokes every live token of the presented token's family (nothing when it is unknown). */
  revokeFamilyOf(presentedHash: string): Promise<void>;
  /** Deletes tokens past their expiry (they can no longer be used, nor reused); resolves the count. */
  deleteExpired(): Promise<number>;
}

export interface LoginAttemptCount {
  attempts: number;
  /** Which window counted it, as the store tells its windows apart. */
  window: string;
  retryAfterSeconds: number;
}

export interface LoginAttemptStore {
  /**
   * Counts one sign-in attempt for the account from `client` (an address), or without one from
   * every address together, in the current fixed window (a new window starts once the old one has
   * passed) and says how many this window holds and when it ends.
   */
  recordAttempt(email: string, client: string | undefined, windowSeconds: number): Promise<LoginAttemptCount>;
  /** Takes back one attempt counted for the account from `client` in `window` (nothing once another window began). */
  forgetAttempt(email: string, client: string, window: string): Promise<void>;
  /** Forgets the account's attempts from `client` and from every address together. */
  reset(email: string, client: string): Promise<void>;
  deleteExpired(windowSeconds: number): Promise<number>;
}
