import type { DataSource } from 'typeorm';
import type { LoginAttemptCount, LoginAttemptStore } from '../domain/stores';
import { execute } from './sql';

/**
 * One statement per attempt, evaluated by PostgreSQL's clock, so every replica counts into one
 * window: per account in `login_attempts`, per account and address in `login_attempts_by_client`.
 */
const recordAttempt = (table: string, key: string, values: string) => `
  INSERT INTO ${table} AS a (${key}, attempts, window_started_at)
  VALUES (${values}, 1, now())
  ON CONFLICT (${key}) DO UPDATE SET
    attempts = CASE WHEN a.window_started_at <= now() - make_interval(secs => $1) THEN 1 ELSE a.attempts + 1 END,
    window_started_at = CASE WHEN a.window_started_at <= now() - make_interval(secs => $1) THEN now() ELSE a.window_started_at END
  RETURNING attempts, window_started_at::text AS window,
    GREATEST(1, CEIL(EXTRACT(EPOCH FROM window_started_at + make_interval(secs => $1) - now())))::int AS retry_after_seconds`;
const RECORD_ACCOUNT_ATTEMPT = recordAttempt('login_attempts', 'email', '$2');
const RECORD_CLIENT_ATTEMPT = recordAttempt('login_attempts_by_client', 'email, client', '$2, $3');

export class LoginAttemptRepository implements LoginAttemptStore {
  constructor(private readonly dataSource: DataSource) {}

  async recordAttempt(email: string, client: string | undefined, windowSeconds: number): Promise<LoginAttemptCount> {
    const [row] = (await (client === undefined
      ? this.dataSource.query(RECORD_ACCOUNT_ATTEMPT, [windowSeconds, email])
      : this.dataSource.query(RECORD_CLIENT_ATTEMPT, [windowSeconds, email, client]))) as { attempts: number; window: string; retry_after_seconds: number }[];
    return { attempts: row.attempts, window: row.window, retryAfterSeconds: row.retry_after_seconds };
  }

  /** `window`: its start as PostgreSQL wrote it, to the microsecond (a JavaScript Date would drop those). */
  async forgetAttempt(email: string, client: string, window: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE login_attempts_by_client SET attempts = attempts - 1
       WHERE email = $1 AND client = $2 AND window_started_at = $3::timestamptz AND attempts > 0`,
      [email, client, window],
    );
  }

  /** One statement, so a successful sign-in pays one round trip for both counts. */
  async reset(email: string, client: string): Promise<void> {
    await this.dataSource.query(
      `WITH by_client AS (DELETE FROM login_attempts_by_client WHERE email = $1 AND client = $2)
       DELETE FROM login_attempts WHERE email = $1`,
      [email, client],
    );
  }

  async deleteExpired(windowSeconds: number): Promise<number> {
    let deleted = 0;
    for (const table of ['login_attempts', 'login_attempts_by_client']) {
      const { affected } = await execute(this.dataSource.manager, `DELETE FROM ${table} WHERE window_started_at <= now() - make_interval(secs => $1)`, [windowSeconds]);
      deleted += affected;
    }
    return deleted;
  }
}
