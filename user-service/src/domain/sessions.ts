import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError, BEARER_CHALLENGE, unauthenticated, type Logger } from '@ecommerce/service-kit';
import type { AccessTokens } from './access-tokens';
import type { PasswordHasher } from './password-hasher';
import type { LoginAttemptStore, NewRefreshToken, RefreshTokenStore, UserStore } from './stores';
import { normaliseEmail, toPublicUser, type PublicUser, type Role } from './user';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface SessionPolicy {
  refreshTokenTtlSeconds: number;
  /** Password checks allowed per account from one client address in one window; the next attempt gets 429. */
  maxLoginAttempts: number;
  /**
   * Password checks allowed per account from all addresses together in one window: bounds guessing
   * spread over many addresses, and takes a stranger ten addresses to lock the owner out.
   */
  maxAccountLoginAttempts: number;
  loginWindowSeconds: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  maxLoginAttempts: 5,
  maxAccountLoginAttempts: 50,
  loginWindowSeconds: 15 * 60,
};

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const invalidCredentials = () => new AppError(401, 'INVALID_CREDENTIALS', 'The email or password is incorrect', { headers: BEARER_CHALLENGE });
const tooManyAttempts = (retryAfterSeconds: number) =>
  new AppError(429, 'TOO_MANY_ATTEMPTS', 'Too many sign-in attempts for this account, try again later', {
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
const invalidRefreshToken = () => unauthenticated('The refresh token is invalid, expired or already used');

/** Sign-in, token refresh with rotation and reuse detection, sign-out, and access-token checks. */
export class Sessions {
  constructor(
    private readonly deps: {
      users: UserStore;
      refreshTokens: RefreshTokenStore;
      loginAttempts: LoginAttemptStore;
      passwords: PasswordHasher;
      accessTokens: AccessTokens;
      logger: Logger;
    },
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  ) {}

  /**
   * The attempt is counted before the password is checked, in atomic statements shared by every
   * replica, so a burst of parallel guesses gets no more checks than the limits: first for the
   * account from this `client` (its address), then, if that admits it, for the account from every
   * address. Attempts refused by the first count do not reach the second, so one address cannot use
   * up the account's; one refused by the second is taken back from the first, so the owner's tries
   * while strangers hold the account's count do not keep the owner out once it has passed. Unknown
   * emails go through the same steps (a dummy hash included) and get the same answers.
   */
  login(emailInput: string, password: string, client: string): Promise<TokenPair> {
    return this.deps.passwords.admit(() => this.admittedLogin(emailInput, password, client));
  }

  private async admittedLogin(emailInput: string, password: string, client: string): Promise<TokenPair> {
    const { users, loginAttempts, passwords } = this.deps;
    const email = normaliseEmail(emailInput);
    const fromClient = await loginAttempts.recordAttempt(email, client, this.policy.loginWindowSeconds);
    if (fromClient.attempts > this.policy.maxLoginAttempts) throw tooManyAttempts(fromClient.retryAfterSeconds);
    const account = await loginAttempts.recordAttempt(email, undefined, this.policy.loginWindowSeconds);
    if (account.attempts > this.policy.maxAccountLoginAttempts) {
      await loginAttempts.forgetAttempt(email, client, fromClient.window);
      throw tooManyAttempts(account.retryAfterSeconds);
    }
    const user = await users.findByEmail(email);
    if (!(await passwords.verify(user?.passwordHash, password)) || !user) throw invalidCredentials();
    await loginAttempts.reset(email, client);
    if (passwords.needsRehash(user.passwordHash)) await users.updatePasswordHash(user.id, await passwords.hash(password));
    const next = this.newRefreshToken();
    await this.deps.refreshTokens.startFamily(user.id, randomUUID(), next.record);
    return this.pair(user, next.token);
  }

  /** A refresh token works once. Presenting a used one again means it leaked: the whole sign-in ends. */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const next = this.newRefreshToken();
    const result = await this.deps.refreshTokens.rotate(sha256(refreshToken), next.record);
    if (result.outcome === 'reused') {
      this.deps.logger.warn({ userId: result.userId, familyId: result.familyId }, 'refresh token reused: token family revoked');
    }
    if (result.outcome !== 'rotated') throw invalidRefreshToken();
    return this.pair({ id: result.userId, role: result.role }, next.token);
  }

  /** Ends the sign-in the token belongs to; says nothing about whether the token was known. */
  async logout(refreshToken: string): Promise<void> {
    await this.deps.refreshTokens.revokeFamilyOf(sha256(refreshToken));
  }

  /** The user of a valid access token, as stored now (so role changes show at once); 401 once deleted. */
  async authenticate(accessToken: string): Promise<PublicUser> {
    const { userId } = await this.deps.accessTokens.verify(accessToken);
    const user = await this.deps.users.findById(userId);
    if (!user) throw unauthenticated('The access token is invalid or expired');
    return toPublicUser(user);
  }

  /** Forgets what can no longer matter: expired refresh tokens and finished throttling windows. */
  async purgeExpired(): Promise<{ refreshTokens: number; loginAttempts: number }> {
    return {
      refreshTokens: await this.deps.refreshTokens.deleteExpired(),
      loginAttempts: await this.deps.loginAttempts.deleteExpired(this.policy.loginWindowSeconds),
    };
  }

  private newRefreshToken(): { token: string; record: NewRefreshToken } {
    // 256 random bits: only the hash is stored, so a database leak yields no usable tokens.
    const token = randomBytes(32).toString('base64url');
    return { token, record: { id: randomUUID(), tokenHash: sha256(token), ttlSeconds: this.policy.refreshTokenTtlSeconds } };
  }

  private async pair(user: { id: string; role: Role }, refreshToken: string): Promise<TokenPair> {
    const accessToken = await this.deps.accessTokens.issue(user);
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.deps.accessTokens.ttlSeconds };
  }
}
