import type { DataSource } from 'typeorm';
import { buildOpenApiDocument, createHttpApps, type HttpApps, type Lifecycle, type Logger } from '@ecommerce/service-kit';
import type { UserServiceConfig } from './config';
import { AccessTokens } from './domain/access-tokens';
import { Accounts } from './domain/accounts';
import { PasswordHasher } from './domain/password-hasher';
import { DEFAULT_SESSION_POLICY, Sessions, type SessionPolicy } from './domain/sessions';
import { LoginAttemptRepository } from './data-access/login-attempt.repository';
import { RefreshTokenRepository } from './data-access/refresh-token.repository';
import { UserRepository } from './data-access/user.repository';
import { internalRoutes } from './entry-points/http/internal.routes';
import { sessionsRoutes } from './entry-points/http/sessions.routes';
import { usersRoutes } from './entry-points/http/users.routes';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

export interface UserServiceDeps {
  config: Pick<UserServiceConfig, 'INTERNAL_API_TOKEN' | 'JWT_SECRET'>;
  logger: Logger;
  lifecycle: Lifecycle;
  dataSource: DataSource;
  /** Until true, every route but health answers 503 (main sets it once migrations and the first admin are done). */
  isStarted?: () => boolean;
  /** Token lifetimes and throttling; tests shorten them. */
  policy?: Partial<SessionPolicy> & { accessTokenTtlSeconds?: number };
  passwords?: PasswordHasher;
}

export interface UserServiceApp extends HttpApps {
  sessions: Sessions;
}

/** Builds user-service's public and internal apps without listening (tests drive them on port 0). */
export function createUserServiceApp(deps: UserServiceDeps): UserServiceApp {
  const { dataSource, logger } = deps;
  const users = new UserRepository(dataSource);
  const passwords = deps.passwords ?? new PasswordHasher();
  const accessTokens = new AccessTokens(deps.config.JWT_SECRET, deps.policy?.accessTokenTtlSeconds ?? ACCESS_TOKEN_TTL_SECONDS);
  const sessions = new Sessions(
    {
      users,
      refreshTokens: new RefreshTokenRepository(dataSource),
      loginAttempts: new LoginAttemptRepository(dataSource),
      passwords,
      accessTokens,
      logger,
    },
    { ...DEFAULT_SESSION_POLICY, ...deps.policy },
  );
  const accounts = new Accounts(users, passwords);
  const publicRouters = [usersRoutes(accounts, sessions), sessionsRoutes(sessions)];
  const isStarted = deps.isStarted ?? (() => dataSource.isInitialized);
  const apps = createHttpApps({
    service: 'user-service',
    logger,
    lifecycle: deps.lifecycle,
    // Not ready (so no traffic is routed here) until migrations and the first admin are done.
    isStarted,
    readiness: { postgres: () => dataSource.query('SELECT 1') },
    publicRoutes: publicRouters,
    internalRoutes: [internalRoutes(sessions)],
    internalToken: deps.config.INTERNAL_API_TOKEN,
    openapi: buildOpenApiDocument(
      { title: 'user-service', version: '1.0.0', description: 'Accounts, JWT sessions and roles of the shop' },
      publicRouters,
    ),
  });
  return { ...apps, sessions };
}
