import type { DataSource } from 'typeorm';
import type { LoginAttemptStore } from '../domain/stores';
import { execute } from './sql';

/** One statement per attempt, evaluated by PostgreSQL's clock, so every replica counts into one window. */
const RECORD_ATTEMPT = `
  INSERT INTO login_attempts AS a (email, client, attempts, window_started_at)
  VALUES ($1, $2, 1, now())
  ON CONFLICT (email, client) DO UPDATE SET
    attempts = CASE WHEN a.window_started_at <= now() - make_interval(secs => $3) THEN 1 ELSE a.attempts + 1 END,
    window_started_at = CASE WHEN a.window_started_at <= now() - make_interval(secs => $3) THEN now() ELSE a.window_started_at END
  RETURNING attempts,
    GREATEST(1, CEIL(EXTRACT(EPOCH FROM window_started_at + make_interval(secs => $3) - now())))::int AS retry_after_seconds`;

export class LoginAttemptRepository implements LoginAttemptStore {
  constructor(private readonly dataSource: DataSource) {}

  async recordAttempt(email: string, client: string, windowSeconds: number): Promise<{ attempts: number; retryAfterSeconds: number }> {
    const [row] = (await this.dataSource.query(RECORD_ATTEMPT, [email, client, windowSeconds])) as { attempts: number; retry_after_seconds: number }[];
    return { attempts: row.attempts, retryAfterSeconds: row.retry_after_seconds };
  }

  async reset(email: string, clients: string[]): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_attempts WHERE email = $1 AND client = ANY($2)`, [email, clients]);
  }

  async deleteExpired(windowSeconds: number): Promise<number> {
    const { affected } = await execute(
      this.dataSource.manager,
      `DELETE FROM login_attempts WHERE window_started_at <= now() - make_interval(secs => $1)`,
      [windowSeconds],
    );
    return affected;
  }
}
