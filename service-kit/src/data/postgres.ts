import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import type { Logger } from 'pino';

export interface PostgresOptions {
  url: string;
  entities: MixedList<string | (new () => unknown) | EntitySchema>;
  migrations: MixedList<string | (new () => unknown)>;
  /** Connection pool size per process. */
  poolSize?: number;
  applicationName: string;
}

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
    extra: { max: options.poolSize ?? 20, connectionTimeoutMillis: 5000 },
  });
}

/**
 * Applies pending migrations while holding a PostgreSQL advisory lock, so replicas that start
 * together take turns: the first migrates, the others find nothing left to do.
 */
export async function runMigrationsExclusively(dataSource: DataSource, logger: Logger, lockKey: number): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [lockKey]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
    await runner.release();
  }
}
