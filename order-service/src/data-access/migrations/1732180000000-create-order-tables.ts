import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The orders database: orders with their item snapshots, history and payments, the event outbox, idempotency keys. */
export class CreateOrderTables1732180000000 implements MigrationInterface {
  name = 'CreateOrderTables1732180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING','PAYMENT_FAILED','PAID','CONFIRMED','SHIPPED','DELIVERED','CANCELLED','REFUNDED')),
        total bigint NOT NULL CHECK (total >= 0),
        currency char(3) NOT NULL,
        shipping_address jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version integer NOT NULL DEFAULT 1
      )`);
    await q.query(`CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC)`);
    await q.query(`CREATE INDEX orders_created_idx ON orders (created_at DESC)`);
    // The payment-timeout sweep looks only at unpaid orders.
    await q.query(`CREATE INDEX orders_unpaid_created_idx ON orders (created_at) WHERE status IN ('PENDING','PAYMENT_FAILED')`);

    await q.query(`
      CREATE TABLE order_items (
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        position smallint NOT NULL,
        product_id text NOT NULL,
        name text NOT NULL,
        unit_price bigint NOT NULL CHECK (unit_price >= 0),
        quantity integer NOT NULL CHECK (quantity > 0),
        line_total bigint NOT NULL CHECK (line_total >= 0),
        PRIMARY KEY (order_id, position)
      )`);

    await q.query(`
      CREATE TABLE order_history (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        status text NOT NULL,
        at timestamptz NOT NULL,
        reason text
      )`);
    await q.query(`CREATE INDEX order_history_order_idx ON order_history (order_id, id)`);

    await q.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('charge','refund')),
        amount bigint NOT NULL CHECK (amount >= 0),
        currency char(3) NOT NULL,
        status text NOT NULL CHECK (status IN ('succeeded','declined')),
        gateway_reference text NOT NULL,
        failure_reason text,
        refund_of uuid REFERENCES payments (id),
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX payments_order_idx ON payments (order_id, created_at)`);
    // Whatever races happen, an order is charged successfully once and each charge refunded once.
    await q.query(`CREATE UNIQUE INDEX payments_one_charge_per_order ON payments (order_id) WHERE kind = 'charge' AND status = 'succeeded'`);
    await q.query(`CREATE UNIQUE INDEX payments_one_refund_per_charge ON payments (refund_of) WHERE kind = 'refund'`);

    await q.query(`
      CREATE TABLE outbox (
        id uuid PRIMARY KEY,
        routing_key text NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        published_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX outbox_pending_idx ON outbox (created_at) WHERE published_at IS NULL`);
    await q.query(`CREATE INDEX outbox_published_idx ON outbox (published_at) WHERE published_at IS NOT NULL`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        order_id uuid REFERENCES orders (id) ON DELETE SET NULL,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['idempotency_keys', 'outbox', 'payments', 'order_history', 'order_items', 'orders']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
