import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a refund owed was last tried (`refund_tried_at`), and the index through which the sweeper
 * finds the orders still owed one, least recently tried first, so one the processor keeps refusing
 * does not hold up the others. The index is built CONCURRENTLY (so outside a transaction): writes
 * to `orders` go on while it reads the table.
 */
export class RefundDueIndex1732210000000 implements MigrationInterface {
  name = 'RefundDueIndex1732210000000';
  transaction = false as const;

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET lock_timeout = '10s'`);
    try {
      await q.query(`ALTER TABLE orders ADD COLUMN IF NOT EXISTS refund_tried_at timestamptz`);
      // A build that failed half-way leaves an invalid index of this name behind: start again.
      await q.query(`DROP INDEX CONCURRENTLY IF EXISTS orders_refund_due_idx`);
      await q.query(`CREATE INDEX CONCURRENTLY orders_refund_due_idx ON orders (refund_tried_at NULLS FIRST, updated_at) WHERE refund_due`);
    } finally {
      await q.query(`RESET lock_timeout`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // TypeORM reverts inside a transaction whatever `transaction` says, where CONCURRENTLY cannot run.
    await q.query(`DROP INDEX IF EXISTS orders_refund_due_idx`);
    await q.query(`ALTER TABLE orders DROP COLUMN IF EXISTS refund_tried_at`);
  }
}
