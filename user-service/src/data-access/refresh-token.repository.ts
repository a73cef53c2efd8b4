import type { DataSource } from 'typeorm';
import type { NewRefreshToken, RefreshTokenStore, RotationResult } from '../domain/stores';
import type { Role } from '../domain/user';
import { execute } from './sql';

interface FamilyRow {
  user_id: string;
  family_id: string;
  revoked_at: Date | null;
}

const INSERT_TOKEN = `
  INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at)
  VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`;

/** The first key of the two-key advisory locks on token families ('refr' in ASCII); the second is the family's hash. */
const FAMILY_LOCK_SPACE = 0x72656672;

/**
 * Rotations and logouts of one sign-in take turns: each takes this transaction-scoped lock on the
 * token's family before it changes anything. Under READ COMMITTED a statement sees only what was
 * committed when it began, so without it a logout running while a refresh of the same family
 * commits would revoke the old token but miss the new one, which would then live on.
 */
const LOCK_FAMILY_OF_TOKEN = `
  SELECT family_id, pg_advisory_xact_lock(${FAMILY_LOCK_SPACE}, hashtext(family_id::text)) FROM refresh_tokens WHERE token_hash = $1`;

export class RefreshTokenRepository implements RefreshTokenStore {
  constructor(private readonly dataSource: DataSource) {}

  async startFamily(userId: string, familyId: string, token: NewRefreshToken): Promise<void> {
    await this.dataSource.query(INSERT_TOKEN, [token.id, userId, familyId, token.tokenHash, token.ttlSeconds]);
  }

  /**
   * The conditional UPDATE is the arbiter: of two requests presenting one token at once, the
   * second waits for the family's lock, then finds the token already revoked and is treated as reuse.
   */
  async rotate(presentedHash: string, next: NewRefreshToken): Promise<RotationResult> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query(LOCK_FAMILY_OF_TOKEN, [presentedHash]);
      // The user's current role comes back with the retired token, for the new access token.
      const retired = await execute<{ user_id: string; family_id: string; role: Role }>(
        tx,
        `UPDATE refresh_tokens t SET revoked_at = now(), revoked_reason = 'rotated'
         FROM users u
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND u.id = t.user_id
         RETURNING t.user_id, t.family_id, u.role`,
        [presentedHash],
      );
      if (retired.affected === 1) {
        const { user_id: userId, family_id: familyId, role } = retired.rows[0];
        await tx.query(INSERT_TOKEN, [next.id, userId, familyId, next.tokenHash, next.ttlSeconds]);
        return { outcome: 'rotated', userId, familyId, role };
      }
      const found = await execute<FamilyRow>(tx, `SELECT user_id, family_id, revoked_at FROM refresh_tokens WHERE token_hash = $1`, [presentedHash]);
      const row = found.rows[0];
      // Unknown, or expired without ever being used: nothing suggests theft.
      if (!row || row.revoked_at === null) return { outcome: 'invalid' };
      await tx.query(
        `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'reuse-detected' WHERE family_id = $1 AND revoked_at IS NULL`,
        [row.family_id],
      );
      return { outcome: 'reused', userId: row.user_id, familyId: row.family_id };
    });
  }

  async revokeFamilyOf(presentedHash: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      // A token's family never changes, so the one read before the lock is the one to revoke.
      const [token] = (await tx.query(LOCK_FAMILY_OF_TOKEN, [presentedHash])) as { family_id: string }[];
      if (!token) return;
      await tx.query(`UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'logout' WHERE family_id = $1 AND revoked_at IS NULL`, [
        token.family_id,
      ]);
    });
  }

  async deleteExpired(): Promise<number> {
    const { affected } = await execute(this.dataSource.manager, `DELETE FROM refresh_tokens WHERE expires_at <= now()`);
    return affected;
  }
}
