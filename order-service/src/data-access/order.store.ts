import type { DataSource, EntityManager } from 'typeorm';
import { preparedStatement, queryRows, type Page } from '@ecommerce/service-kit';
import type { HistoryEntry, Order, Payment } from '../domain/order';
import type { OutboxEvent } from '../domain/order-events';
import type { IdempotencyRecord, OrderListQuery, OrderStore, OrderTx } from '../domain/ports';
import { hydrateOrders, loadOrder, lockAndLoadOrder, type OrderRow, type Query } from './order-rows';

/** Called after a transaction that wrote events has committed (the relay wakes, counters move). */
export type EventsCommittedListener = (events: OutboxEvent[]) => void;

/** Thrown when an order changed between being read and being updated; the row lock makes it a bug, not a race. */
export class StaleOrderError extends Error {
  override readonly name = 'StaleOrderError';
}

const outboxValues = (event: OutboxEvent) => [event.id, event.routingKey, JSON.stringify(event.body), JSON.stringify(event.headers)];

/** What one transaction wrote: its events, and the orders it changed. */
interface TxWrites {
  events: OutboxEvent[];
  orders: Set<string>;
}

const INSERT_ORDER = preparedStatement(
  'order_insert',
  `WITH o AS (
       INSERT INTO orders (id, user_id, status, total, currency, shipping_address, created_at, updated_at, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
     ), items AS (
       INSERT INTO order_items (order_id, position, product_id, name, unit_price, quantity, line_total)
       SELECT o.id, t.position, t.product_id, t.name, t.unit_price, t.quantity, t.line_total
       FROM o, unnest($10::text[], $11::text[], $12::bigint[], $13::int[], $14::bigint[]) WITH ORDINALITY
         AS t(product_id, name, unit_price, quantity, line_total, position)
     ), history AS (
       INSERT INTO order_history (order_id, status, at, reason)
       SELECT o.id, h.status, h.at, h.reason FROM o, unnest($15::text[], $16::timestamptz[], $17::text[]) AS h(status, at, reason)
     )
     INSERT INTO outbox (id, routing_key, payload, headers) SELECT $18, $19, $20, $21 FROM o`,
);

/** The order row, its items, its history and its event: one statement, so atomic on its own. */
function insertOrderRows(query: Query, order: Order, event: OutboxEvent): Promise<unknown[]> {
  return query(INSERT_ORDER, [
    order.id, order.userId, order.status, order.total, order.currency, JSON.stringify(order.shippingAddress),
    order.createdAt, order.updatedAt, order.version,
    order.items.map((i) => i.productId), order.items.map((i) => i.name), order.items.map((i) => i.unitPrice),
    order.items.map((i) => i.quantity), order.items.map((i) => i.lineTotal),
    order.history.map((h) => h.status), order.history.map((h) => h.at), order.history.map((h) => h.reason),
    ...outboxValues(event),
  ]);
}

const transitionSql = (payment: string) => `
  WITH moved AS (
    UPDATE orders SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4 RETURNING id
  ), history AS (
    INSERT INTO order_history (order_id, status, at, reason) SELECT id, $1, $2, $5 FROM moved
  ), event AS (
    INSERT INTO outbox (id, routing_key, payload, headers) SELECT $6, $7, $8, $9 FROM moved
  )${payment}
  SELECT count(*)::int AS moved FROM moved`;
const TRANSITION = preparedStatement('order_transition', transitionSql(''));
const TRANSITION_WITH_PAYMENT = preparedStatement('order_transition_with_payment', transitionSql(`, payment AS (
    INSERT INTO payments (id, order_id, kind, amount, currency, status, gateway_reference, failure_reason, refund_of, created_at)
    SELECT $10, id, $11, $12, $13, $14, $15, $16, $17, $18 FROM moved
  )`));

/** The status move, its history entry, its payment (if any) and its event, only if the order is still at `order.version`. */
async function writeTransition(query: Query, order: Order, entry: HistoryEntry, event: OutboxEvent, p?: Payment): Promise<boolean> {
  const params = [entry.status, entry.at, order.id, order.version, entry.reason, ...outboxValues(event)];
  if (p) params.push(p.id, p.kind, p.amount, p.currency, p.status, p.reference, p.failureReason, p.refundOf, p.createdAt);
  const [{ moved }] = (await query(p ? TRANSITION_WITH_PAYMENT : TRANSITION, params)) as { moved: number }[];
  return moved === 1;
}

class PostgresOrderTx implements OrderTx {
  constructor(private readonly m: EntityManager, private readonly written: TxWrites) {}

  private query: Query = (sql, params) => queryRows(this.m, sql, params);

  lockOrder(id: string): Promise<Order | undefined> {
    return lockAndLoadOrder(this.query, id);
  }

  async lockUnpaidPlacedBefore(cutoff: Date, limit: number): Promise<Order[]> {
    const rows = (await this.query(
      `SELECT * FROM orders WHERE status IN ('PENDING', 'PAYMENT_FAILED') AND created_at < $1
       ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [cutoff, limit],
    )) as OrderRow[];
    return hydrateOrders(this.query, rows);
  }

  // Each write below is one statement (data-modifying CTEs): fewer round trips per order, and
  // the history, payment and event rows exist only if the order row was written.
  async insertOrder(order: Order, event: OutboxEvent): Promise<void> {
    await insertOrderRows(this.query, order, event);
    this.written.events.push(event);
  }

  async recordTransition(order: Order, entry: HistoryEntry, event: OutboxEvent, payment?: Payment): Promise<void> {
    if (!(await writeTransition(this.query, order, entry, event, payment))) {
      throw new StaleOrderError(`order ${order.id} changed since version ${order.version} was read`);
    }
    this.written.orders.add(order.id);
    this.written.events.push(event);
  }

  async claimIdempotencyKey(userId: string, key: string, requestHash: string): Promise<IdempotencyRecord | undefined> {
    // A concurrent holder of the key makes this INSERT wait on the unique index until it commits
    // (then DO NOTHING and we read its row) or rolls back (then the key is ours).
    const inserted = await this.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
      [userId, key, requestHash],
    );
    if (inserted.length) return undefined;
    return readIdempotencyRecord(this.query, userId, key);
  }

  async markRefundDue(orderId: string): Promise<void> {
    await this.query('UPDATE orders SET refund_due = true WHERE id = $1', [orderId]);
    this.written.orders.add(orderId);
  }

  async lockRefundsDue(limit: number): Promise<Order[]> {
    const rows = (await this.query(
      'SELECT * FROM orders WHERE refund_due ORDER BY refund_tried_at NULLS FIRST, updated_at LIMIT $1 FOR UPDATE SKIP LOCKED',
      [limit],
    )) as OrderRow[];
    return hydrateOrders(this.query, rows);
  }

  async noteRefundTried(orderId: string): Promise<void> {
    await this.query('UPDATE orders SET refund_tried_at = clock_timestamp() WHERE id = $1', [orderId]);
  }

  async recordRefund(order: Order, refund: Payment | undefined): Promise<void> {
    // The version moves, so a request that waited for this row's lock reads the order again
    // (lockAndLoadOrder) and sees the refund instead of making it a second time.
    await this.query(
      `WITH cleared AS (
         UPDATE orders SET refund_due = false, version = version + 1 WHERE id = $1 RETURNING id
       )
       INSERT INTO payments (id, order_id, kind, amount, currency, status, gateway_reference, failure_reason, refund_of, created_at)
       SELECT $2, id, 'refund', $3, $4, $5, $6, NULL, $7, $8 FROM cleared WHERE $2::uuid IS NOT NULL`,
      [order.id, refund?.id ?? null, refund?.amount ?? null, refund?.currency ?? null, refund?.status ?? null, refund?.reference ?? null, refund?.refundOf ?? null, refund?.createdAt ?? null],
    );
    this.written.orders.add(order.id);
  }

  async completeIdempotencyKey(userId: string, key: string, orderId: string, response: unknown): Promise<void> {
    await this.query('UPDATE idempotency_keys SET order_id = $3, response = $4 WHERE user_id = $1 AND key = $2', [
      userId,
      key,
      orderId,
      JSON.stringify(response),
    ]);
  }
}

const READ_IDEMPOTENCY_KEY = preparedStatement(
  'idempotency_key_read',
  'SELECT request_hash, order_id, response FROM idempotency_keys WHERE user_id = $1 AND key = $2',
);

async function readIdempotencyRecord(
  query: Query,
  userId: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const rows = (await query(READ_IDEMPOTENCY_KEY, [userId, key])) as {
    request_hash: string;
    order_id: string | null;
    response: unknown;
  }[];
  return rows[0] && { requestHash: rows[0].request_hash, orderId: rows[0].order_id, response: rows[0].response };
}

export class PostgresOrderStore implements OrderStore {
  private readonly listeners: EventsCommittedListener[] = [];

  constructor(private readonly dataSource: DataSource) {}

  private query: Query = (sql, params) => queryRows(this.dataSource.manager, sql, params);

  onEventsCommitted(listener: EventsCommittedListener): void {
    this.listeners.push(listener);
  }

  async transaction<T>(fn: (tx: OrderTx) => Promise<T>): Promise<T> {
    const written: TxWrites = { events: [], orders: new Set() };
    const result = await this.dataSource.transaction((manager) => fn(new PostgresOrderTx(manager, written)));
    this.committed(written.orders);
    if (written.events.length) this.eventsCommitted(written.events);
    return result;
  }

  async insertOrder(order: Order, event: OutboxEvent): Promise<void> {
    await insertOrderRows(this.query, order, event);
    this.eventsCommitted([event]);
  }

  async recordTransition(order: Order, entry: HistoryEntry, event: OutboxEvent): Promise<boolean> {
    const moved = await writeTransition(this.query, order, entry, event);
    // Either way the order is not as it was read: what is kept of it must go.
    this.committed(new Set([order.id]));
    if (moved) this.eventsCommitted([event]);
    return moved;
  }

  private eventsCommitted(events: OutboxEvent[]): void {
    for (const listener of this.listeners) listener(events);
  }

  /** Called once these orders are known to have changed: a write of ours committed, or a version check failed. */
  protected committed(_orderIds: ReadonlySet<string>): void {}

  findById(id: string): Promise<Order | undefined> {
    return loadOrder(this.query, id);
  }

  async list(q: OrderListQuery): Promise<Page<Order>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.userId) where.push(`user_id = $${params.push(q.userId)}`);
    if (q.status) where.push(`status = $${params.push(q.status)}`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = (await this.query(`SELECT count(*)::int AS total FROM orders ${clause}`, params)) as { total: number }[];
    const rows = (await this.query(
      `SELECT * FROM orders ${clause} ORDER BY created_at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, (q.page - 1) * q.limit],
    )) as OrderRow[];
    return { items: await hydrateOrders(this.query, rows), page: q.page, limit: q.limit, total };
  }

  findIdempotencyRecord(userId: string, key: string): Promise<IdempotencyRecord | undefined> {
    return readIdempotencyRecord(this.query, userId, key);
  }

  async deleteIdempotencyKeysBefore(cutoff: Date): Promise<number> {
    const [, affected] = (await this.dataSource.query('DELETE FROM idempotency_keys WHERE created_at < $1', [cutoff])) as [unknown, number];
    return affected;
  }
}
