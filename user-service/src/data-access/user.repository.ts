import type { DataSource, Repository } from 'typeorm';
import type { NewUser, UserStore } from '../domain/stores';
import type { Role, UserRecord } from '../domain/user';
import { UserEntity, type UserRow } from './entities/user.entity';
import { execute, isUniqueViolation } from './sql';

/** Role changes take turns under this transaction-scoped advisory lock, so the last admin stays. */
const ROLE_CHANGE_LOCK_KEY = 0x75736573;

export class UserRepository implements UserStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Looked up per call: entity metadata exists only once the data source is initialised. */
  private get users(): Repository<UserRow> {
    return this.dataSource.getRepository(UserEntity);
  }

  async insert(user: NewUser): Promise<UserRecord | 'email-taken'> {
    try {
      // No look-up first: the unique index decides, so concurrent sign-ups of one address cannot both win.
      const result = await this.users.insert(user);
      const generated = result.generatedMaps[0] as Pick<UserRow, 'createdAt'>;
      return { ...user, createdAt: generated.createdAt };
    } catch (err) {
      if (isUniqueViolation(err)) return 'email-taken';
      throw err;
    }
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    return (await this.users.findOneBy({ id })) ?? undefined;
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    return (await this.users.findOneBy({ email })) ?? undefined;
  }

  async list(offset: number, limit: number): Promise<{ items: UserRecord[]; total: number }> {
    const [rows, total] = await this.users.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, skip: offset, take: limit });
    return { items: rows, total };
  }

  async updateName(id: string, name: string): Promise<UserRecord | undefined> {
    const { rows } = await execute<UserRecord>(
      this.dataSource.manager,
      `UPDATE users SET name = $2, updated_at = now() WHERE id = $1
       RETURNING id, email, name, role, password_hash AS "passwordHash", created_at AS "createdAt"`,
      [id, name],
    );
    return rows[0];
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.update({ id }, { passwordHash });
  }

  async changeRole(id: string, role: Role): Promise<UserRecord | 'not-found' | 'last-admin'> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [ROLE_CHANGE_LOCK_KEY]);
      const users = tx.getRepository(UserEntity);
      const target = await users.findOneBy({ id });
      if (!target) return 'not-found';
      if (target.role === 'admin' && role !== 'admin') {
        const { rows } = await execute<{ admins: number }>(tx, `SELECT count(*)::int AS admins FROM users WHERE role = 'admin'`);
        if (rows[0].admins <= 1) return 'last-admin';
      }
      if (target.role !== role) await users.update({ id }, { role });
      return { ...target, role };
    });
  }
}
