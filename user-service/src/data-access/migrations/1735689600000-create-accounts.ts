import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts, refresh-token families and the sign-in throttle. */
export class CreateAccounts1735689600000 implements MigrationInterface {
  name = 'CreateAccounts1735689600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        email varchar(254) NOT NULL,
        name varchar(100) NOT NULL,
        role varchar(16) NOT NULL DEFAULT 'customer',
        password_hash varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_role_check CHECK (role IN ('customer', 'admin')),
        -- uniqueness is case-insensitive because only the normalised form can be stored
        CONSTRAINT users_email_normalised_check CHECK (email = lower(btrim(email)))
      )`);
    await runner.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await runner.query(`CREATE INDEX users_created_at_idx ON users (created_at, id)`);
    await runner.query(`CREATE INDEX users_admins_idx ON users (id) WHERE role = 'admin'`);

    await runner.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        family_id uuid NOT NULL,
        token_hash char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason varchar(32)
      )`);
    await runner.query(`CREATE UNIQUE INDEX refresh_tokens_token_hash_key ON refresh_tokens (token_hash)`);
    await runner.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await runner.query(`CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)`);
    await runner.query(`CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at)`);

    await runner.query(`
      CREATE TABLE login_attempts (
        email varchar(254) PRIMARY KEY,
        attempts integer NOT NULL,
        window_started_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX login_attempts_window_idx ON login_attempts (window_started_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE login_attempts`);
    await runner.query(`DROP TABLE refresh_tokens`);
    await runner.query(`DROP TABLE users`);
  }
}
