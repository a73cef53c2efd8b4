import { randomUUID } from 'node:crypto';
import { conflict, notFound, type Page } from '@ecommerce/service-kit';
import type { PasswordHasher } from './password-hasher';
import type { UserStore } from './stores';
import { normaliseEmail, toPublicUser, type PublicUser, type Role } from './user';

export interface Registration {
  email: string;
  password: string;
  name: string;
}

/** Accounts: sign-up, one's own profile, and what admins do with everyone's. */
export class Accounts {
  constructor(
    private readonly users: UserStore,
    private readonly passwords: PasswordHasher,
  ) {}

  /** Every new account is a customer: the role is never taken from the caller. */
  register(input: Registration): Promise<PublicUser> {
    return this.passwords.admit(() => this.admittedRegister(input));
  }

  private async admittedRegister(input: Registration): Promise<PublicUser> {
    const passwordHash = await this.passwords.hash(input.password);
    const created = await this.users.insert({
      id: randomUUID(),
      email: normaliseEmail(input.email),
      name: input.name,
      role: 'customer',
      passwordHash,
    });
    if (created === 'email-taken') throw conflict('EMAIL_TAKEN', 'An account with this email already exists');
    return toPublicUser(created);
  }

  /** The only thing users change about themselves here is their name; `user` is the signed-in one as loaded. */
  async updateProfile(user: PublicUser, changes: { name?: string }): Promise<PublicUser> {
    if (changes.name === undefined) return user;
    const updated = await this.users.updateName(user.id, changes.name);
    if (!updated) throw notFound('User not found');
    return toPublicUser(updated);
  }

  async list(page: number, limit: number): Promise<Page<PublicUser>> {
    const { items, total } = await this.users.list((page - 1) * limit, limit);
    return { items: items.map(toPublicUser), page, limit, total };
  }

  async changeRole(userId: string, role: Role): Promise<PublicUser> {
    const result = await this.users.changeRole(userId, role);
    if (result === 'not-found') throw notFound('User not found');
    if (result === 'last-admin') throw conflict('LAST_ADMIN', 'The last admin cannot be demoted; promote another admin first');
    return toPublicUser(result);
  }
}
