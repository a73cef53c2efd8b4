import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every committed change to an order, its payments or its history NOTIFYs `order_changed` with the
 * order's id, so each replica's read cache drops it (OrderChangeListener). Triggers rather than the
 * application's own statements, so changes made by hand or by a future code path are heard too.
 * PostgreSQL folds identical notifications within a transaction into one.
 */
export class NotifyOrderChanges1732190000000 implements MigrationInterface {
  name = 'NotifyOrderChanges1732190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_order_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'orders' THEN
          PERFORM pg_notify('order_changed', COALESCE(NEW.id, OLD.id)::text);
        ELSE
          PERFORM pg_notify('order_changed', COALESCE(NEW.order_id, OLD.order_id)::text);
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of ['orders', 'order_items', 'order_history', 'payments']) {
      await q.query(`CREATE TRIGGER ${table}_notify_change AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION notify_order_changed()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['orders', 'order_items', 'order_history', 'payments']) {
      await q.query(`DROP TRIGGER IF EXISTS ${table}_notify_change ON ${table}`);
    }
    await q.query('DROP FUNCTION IF EXISTS notify_order_changed()');
  }
}
