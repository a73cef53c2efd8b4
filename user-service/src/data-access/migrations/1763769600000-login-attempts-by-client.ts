import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in attempts per account and client address, beside `login_attempts`, which goes on counting
 * per account. A table of its own rather than a new key for the old one: replicas of the previous
 * release keep upserting `login_attempts` by email while a rolling update (or after a rollback) runs.
 */
export class LoginAttemptsByClient1763769600000 implements MigrationInterface {
  name = 'LoginAttemptsByClient1763769600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE login_attempts_by_client (
        email varchar(254) NOT NULL,
        client varchar(64) NOT NULL,
        attempts integer NOT NULL,
        window_started_at timestamptz NOT NULL,
        PRIMARY KEY (email, client)
      )`);
    await runner.query(`CREATE INDEX login_attempts_by_client_window_idx ON login_attempts_by_client (window_started_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE login_attempts_by_client`);
  }
}
