import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `refund_due`: a CANCELLED or REFUNDED order whose charge is still to be given back. The move
 * commits first and the refund follows in a transaction of its own (domain/payments/refunds-due.ts);
 * the sweeper finds the orders still due through the partial index.
 */
export class RefundDue1732200000000 implements MigrationInterface {
  name = 'RefundDue1732200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ADD COLUMN refund_due boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE INDEX orders_refund_due_idx ON orders (updated_at) WHERE refund_due`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS orders_refund_due_idx`);
    await q.query(`ALTER TABLE orders DROP COLUMN IF EXISTS refund_due`);
  }
}
