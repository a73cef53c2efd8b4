import type { DataSource } from 'typeorm';
import { runMigrationsExclusively, type Logger } from '@ecommerce/service-kit';
import { MIGRATION_LOCK_KEY } from './data-access/data-source';
import { UserRepository } from './data-access/user.repository';
import { ensureFirstAdmin } from './domain/first-admin';
import { PasswordHasher } from './domain/password-hasher';

/**
 * What must hold before the first request is served: the schema is current (replicas take turns
 * under an advisory lock) and the first admin exists (created once, however many replicas race).
 */
export async function prepareDatabase(
  dataSource: DataSource,
  logger: Logger,
  admin: { email: string; password: string },
  passwords: PasswordHasher = new PasswordHasher(),
): Promise<'created' | 'exists'> {
  await runMigrationsExclusively(dataSource, logger, MIGRATION_LOCK_KEY);
  return ensureFirstAdmin({ users: new UserRepository(dataSource), passwords, logger }, admin);
}
