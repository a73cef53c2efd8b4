import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in attempts are counted per account and client address, beside a looser count per account
 * (client ''), so a stranger's guesses no longer lock the account's owner out. Rows counted before
 * become the account-wide counts.
 */
export class LoginAttemptsPerClient1763769600000 implements MigrationInterface {
  name = 'LoginAttemptsPerClient1763769600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE login_attempts ADD COLUMN client varchar(64) NOT NULL DEFAULT ''`);
    await runner.query(`ALTER TABLE login_attempts DROP CONSTRAINT login_attempts_pkey`);
    await runner.query(`ALTER TABLE login_attempts ADD PRIMARY KEY (email, client)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM login_attempts WHERE client <> ''`);
    await runner.query(`ALTER TABLE login_attempts DROP CONSTRAINT login_attempts_pkey`);
    await runner.query(`ALTER TABLE login_attempts ADD PRIMARY KEY (email)`);
    await runner.query(`ALTER TABLE login_attempts DROP COLUMN client`);
  }
}
