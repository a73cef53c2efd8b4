import { QueryFailedError, type EntityManager } from 'typeorm';

/**
 * Runs one statement and returns its rows and affected-row count in one shape (TypeORM's plain
 * `query` returns `[rows, count]` for UPDATE/DELETE but bare rows otherwise).
 */
export async function execute<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<{ rows: T[]; affected: number }> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    const rows = (result.records ?? []) as T[];
    return { rows, affected: result.affected ?? rows.length };
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

/** PostgreSQL's unique_violation (23505). */
export const isUniqueViolation = (err: unknown): boolean =>
  err instanceof QueryFailedError && (err.driverError as { code?: string } | undefined)?.code === '23505';
