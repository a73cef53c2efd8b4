import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `refund_due`: a CANCELLED or REFUNDED order whose charge is still to be given back. The move
 * commits first and the refund follows in a transaction of its own (domain/payments/refunds-due.ts).
 * A column with a constant default is only a catalogue change; the lock it needs is waited for at
 * most 10 s, so a start-up behind long transactions fails and is retried instead of stalling every
 * query of `orders` queued behind it. The index comes in the next migration, built concurrently.
 */
export class RefundDue1732200000000 implements MigrationInterface {
  name = 'RefundDue1732200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '10s'`);
    await q.query(`ALTER TABLE orders ADD COLUMN IF NOT EXISTS refund_due boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP COLUMN IF EXISTS refund_due`);
  }
}
