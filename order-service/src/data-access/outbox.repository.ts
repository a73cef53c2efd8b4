import type { DataSource } from 'typeorm';

/** An event waiting in the outbox. */
export interface OutboxRow {
  id: string;
  routingKey: string;
  payload: unknown;
  headers: Record<string, string>;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  nextAttemptAt: Date;
}

/** `brokerAway`: RabbitMQ could not take it (not connected, blocking publishes, or no confirm in time). */
export type PublishOutcome =
  | { id: string; published: true }
  | { id: string; published: false; error: string; retryAt: Date; brokerAway: boolean };

export interface OutboxStats {
  pending: number;
  /** Pending rows whose last attempt failed. */
  failing: number;
  oldestPendingAt: Date | null;
}

interface Row {
  id: string;
  routing_key: string;
  payload: unknown;
  headers: Record<string, string>;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  next_attempt_at: Date;
}

const toOutboxRow = (r: Row): OutboxRow => ({
  id: r.id,
  routingKey: r.routing_key,
  payload: r.payload,
  headers: r.headers,
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: r.created_at,
  nextAttemptAt: r.next_attempt_at,
});

export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims up to `limit` due events (FOR UPDATE SKIP LOCKED: replicas never claim the same row),
   * lets `publish` send them, and records each outcome before the claim is released, in one transaction.
   */
  async publishDue(limit: number, publish: (rows: OutboxRow[]) => Promise<PublishOutcome[]>): Promise<PublishOutcome[]> {
    return this.dataSource.transaction(async (m) => {
      const rows = (await m.query(
        `SELECT * FROM outbox WHERE published_at IS NULL AND next_attempt_at <= clock_timestamp()
         ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      )) as Row[];
      if (!rows.length) return [];
      const outcomes = await publish(rows.map(toOutboxRow));
      const published = outcomes.filter((o) => o.published).map((o) => o.id);
      if (published.length) await m.query('UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1)', [published]);
      for (const o of outcomes) {
        if (o.published) continue;
        await m.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1', [o.id, o.error.slice(0, 1000), o.retryAt]);
      }
      return outcomes;
    });
  }

  async stats(): Promise<OutboxStats> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS pending, count(*) FILTER (WHERE last_error IS NOT NULL)::int AS failing, min(created_at) AS oldest
       FROM outbox WHERE published_at IS NULL`,
    )) as { pending: number; failing: number; oldest: Date | null }[];
    return { pending: row.pending, failing: row.failing, oldestPendingAt: row.oldest };
  }

  async listFailed(limit: number): Promise<OutboxRow[]> {
    const rows = (await this.dataSource.query(
      'SELECT * FROM outbox WHERE published_at IS NULL AND last_error IS NOT NULL ORDER BY created_at LIMIT $1',
      [limit],
    )) as Row[];
    return rows.map(toOutboxRow);
  }

  /** Makes pending events due now with a fresh attempt count: one by id, or all. Resolves how many. */
  async retry(id?: string): Promise<number> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE outbox SET next_attempt_at = clock_timestamp(), attempts = 0
       WHERE published_at IS NULL AND ($1::uuid IS NULL OR id = $1::uuid)`,
      [id ?? null],
    )) as [unknown, number];
    return affected;
  }

  /** Published events are kept a while for inspection, then removed. */
  async deletePublishedBefore(cutoff: Date): Promise<number> {
    const [, affected] = (await this.dataSource.query('DELETE FROM outbox WHERE published_at < $1', [cutoff])) as [unknown, number];
    return affected;
  }
}
