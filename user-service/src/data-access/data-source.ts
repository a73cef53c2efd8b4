import { createPostgresDataSource } from '@ecommerce/service-kit';
import { UserEntity } from './entities/user.entity';
import { CreateAccounts1735689600000 } from './migrations/1735689600000-create-accounts';
import { LoginAttemptsByClient1763769600000 } from './migrations/1763769600000-login-attempts-by-client';

/** Replicas take turns migrating under this PostgreSQL advisory lock ('user' in ASCII). */
export const MIGRATION_LOCK_KEY = 0x75736572;

/**
 * The `users` database: migrations define every table; only users are read through a TypeORM
 * entity, the refresh tokens and sign-in counts by SQL of their own.
 */
export const createDataSource = (url: string) =>
  createPostgresDataSource({
    url,
    applicationName: 'user-service',
    entities: [UserEntity],
    migrations: [CreateAccounts1735689600000, LoginAttemptsByClient1763769600000],
  });
