import { createPostgresDataSource } from '@ecommerce/service-kit';
import { UserEntity } from './entities/user.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { LoginAttemptEntity } from './entities/login-attempt.entity';
import { LoginAttemptByClientEntity } from './entities/login-attempt-by-client.entity';
import { CreateAccounts1735689600000 } from './migrations/1735689600000-create-accounts';
import { LoginAttemptsByClient1763769600000 } from './migrations/1763769600000-login-attempts-by-client';

/** Replicas take turns migrating under this PostgreSQL advisory lock ('user' in ASCII). */
export const MIGRATION_LOCK_KEY = 0x75736572;

/** Entities and migrations of the `users` database; the schema changes only through migrations. */
export const createDataSource = (url: string) =>
  createPostgresDataSource({
    url,
    applicationName: 'user-service',
    entities: [UserEntity, RefreshTokenEntity, LoginAttemptEntity, LoginAttemptByClientEntity],
    migrations: [CreateAccounts1735689600000, LoginAttemptsByClient1763769600000],
  });
