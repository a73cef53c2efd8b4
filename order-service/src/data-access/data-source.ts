import { createPostgresDataSource } from '@ecommerce/service-kit';
import { CreateOrderTables1732180000000 } from './migrations/1732180000000-create-order-tables';
import { NotifyOrderChanges1732190000000 } from './migrations/1732190000000-notify-order-changes';
import { RefundDue1732200000000 } from './migrations/1732200000000-refund-due';
import { RefundDueIndex1732210000000 } from './migrations/1732210000000-refund-due-index';

/** Serialises migrations across replicas starting together (pg_advisory_lock key). */
export const MIGRATION_LOCK_KEY = 3_003_001;

/**
 * The `orders` database. Queries are plain SQL through TypeORM's entity manager (row locks,
 * SKIP LOCKED and ON CONFLICT read clearer that way); the schema changes only through migrations.
 */
export const createDataSource = (url: string, poolSize?: number) =>
  createPostgresDataSource({
    url,
    applicationName: 'order-service',
    entities: [],
    migrations: [CreateOrderTables1732180000000, NotifyOrderChanges1732190000000, RefundDue1732200000000, RefundDueIndex1732210000000],
    poolSize,
  });
