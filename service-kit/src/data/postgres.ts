import { DataSource, MigrationExecutor, type EntityManager, type EntitySchema, type MixedList } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { Logger } from 'pino';
import type { Pool, PoolClient } from 'pg';

export interface PostgresOptions {
  url: string;
  entities: MixedList<string | (new () => unknown) | EntitySchema>;
  migrations: MixedList<string | (new () => unknown)>;
  /** Connection pool size per process. */
  poolSize?: number;
  applicationName: string;
}

/**
 * TCP keep-alive probes after 10 s idle (the kernel's default waits 2 h): an idle connection a
 * failover left half-open is found dead before a request picks it. For every pg connection a
 * service opens, pooled or its own.
 */
export const POSTGRES_KEEP_ALIVE = Object.freeze({ keepAlive: true, keepAliveInitialDelayMillis: 10_000 });

/** A TypeORM data source whose schema changes only through migrations (never `synchronize`). */
export function createPostgresDataSource(options: PostgresOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations: options.migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    applicationName: options.applicationName,
    extra: { max: options.poolSize ?? 20, connectionTimeoutMillis: 5000, ...POSTGRES_KEEP_ALIVE },
  });
}

/**
 * Applies pending migrations while holding a PostgreSQL advisory lock, so replicas that start
 * together take turns: the first migrates, the others find nothing left to do. The migrations run
 * on the connection that holds the lock, so losing it stops them too. The others ask for the lock
 * again and again rather than wait in pg_advisory_lock: a statement waiting there holds a
 * snapshot, and CREATE INDEX CONCURRENTLY in the first one's migrations waits for every older
 * snapshot to end, which that one would not do before the migration did.
 */
export async function runMigrationsExclusively(
  dataSource: DataSource,
  logger: Logger,
  lockKey: number,
  options: { pollMs?: number; waitMs?: number } = {},
): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const deadline = Date.now() + (options.waitMs ?? 10 * 60_000);
    for (let waited = false; ; waited = true) {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [lockKey])) as { locked: boolean }[];
      if (locked) break;
      if (!waited) logger.info('another replica is migrating the database; waiting for it');
      if (Date.now() > deadline) throw new Error('gave up waiting for another replica to finish migrating the database');
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
    }
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    const applied = await executor.executePendingMigrations();
    if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * A statement PostgreSQL parses and plans once per connection, then reuses (a named prepared
 * statement in pg). A multi-table CTE costs more to parse and plan than to run: order-service's
 * order read ran 2.3× as often prepared (pgbench, bench/RESULTS.md step 33). For constant, hot
 * statements only: each name stays prepared on every pooled connection for the connection's life.
 * A pooler in transaction mode (PgBouncer) between service and database would not keep them.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

export const preparedStatement = (name: string, text: string): PreparedStatement => Object.freeze({ name, text });

/**
 * Runs a statement on the connection of `manager`'s transaction when it is in one, else on the pool.
 * A plain string goes through TypeORM as ever, and answers what its query() does (for an UPDATE or
 * DELETE, rows and count). A prepared statement answers its rows: it goes to pg itself, since
 * TypeORM's query() takes text only, so its errors are pg's, not QueryFailedError.
 */
export async function queryRows(manager: EntityManager, sql: string | PreparedStatement, params: unknown[] = []): Promise<unknown[]> {
  if (typeof sql === 'string') return (await manager.query(sql, params)) as unknown[];
  const target: Pool | PoolClient = manager.queryRunner
    ? await manager.queryRunner.connect()
    : (manager.connection.driver as PostgresDriver).master;
  return (await target.query({ name: sql.name, text: sql.text, values: params })).rows;
}
