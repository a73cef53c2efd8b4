import { runMigrationsExclusively } from '@ecommerce/service-kit';
import { createTestDatabase, silentLogger, type TestDatabase } from '@ecommerce/service-kit/testing';
import type { DataSource } from 'typeorm';
import { MIGRATION_LOCK_KEY, createDataSource } from '../src/data-access/data-source';

describe('order-service migrations', () => {
  let db: TestDatabase;
  const sources: DataSource[] = [];
  beforeAll(async () => {
    db = await createTestDatabase('order_migrations');
  });
  afterAll(async () => {
    await Promise.all(sources.map((s) => s.destroy()));
    await db?.drop();
  });

  it('finish on every replica that starts at once, the index built concurrently included', async () => {
    for (let i = 0; i < 3; i++) {
      const source = createDataSource(db.url, 3);
      await source.initialize();
      sources.push(source);
    }
    // A replica waiting for the migration lock must hold no snapshot, or CREATE INDEX CONCURRENTLY
    // in the first one's migrations waits on it until its lock_timeout fails the start-up.
    await Promise.all(sources.map((source) => runMigrationsExclusively(source, silentLogger(), MIGRATION_LOCK_KEY)));
    const [index] = await sources[0].query(
      "SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'orders_refund_due_idx'",
    );
    expect(index).toEqual({ valid: true });
    const migrations = await sources[0].query('SELECT name FROM migrations ORDER BY id');
    expect(migrations.map((m: { name: string }) => m.name)).toEqual([
      'CreateOrderTables1732180000000', 'NotifyOrderChanges1732190000000', 'RefundDue1732200000000', 'RefundDueIndex1732210000000',
    ]);
  });
});
