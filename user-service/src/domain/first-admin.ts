import { randomUUID } from 'node:crypto';
import type { Logger } from '@ecommerce/service-kit';
import type { PasswordHasher } from './password-hasher';
import type { UserStore } from './stores';
import { normaliseEmail } from './user';

/**
 * Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when no account has that email.
 * Replicas starting together are safe: the unique email lets exactly one insert win. An existing
 * account is left as it is (never promoted, password never reset), so registering that address
 * before an operator sets it cannot be turned into admin rights.
 */
export async function ensureFirstAdmin(
  deps: { users: UserStore; passwords: PasswordHasher; logger: Logger },
  admin: { email: string; password: string },
): Promise<'created' | 'exists'> {
  const email = normaliseEmail(admin.email);
  const existing = await deps.users.findByEmail(email);
  if (existing) {
    if (existing.role !== 'admin') deps.logger.warn({ userId: existing.id }, 'the ADMIN_EMAIL account exists but is not an admin; left unchanged');
    return 'exists';
  }
  const passwordHash = await deps.passwords.hash(admin.password);
  const created = await deps.users.insert({ id: randomUUID(), email, name: 'Administrator', role: 'admin', passwordHash });
  if (created === 'email-taken') return 'exists';
  deps.logger.info({ userId: created.id }, 'first admin created');
  return 'created';
}
