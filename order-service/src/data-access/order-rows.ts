import { preparedStatement, type PreparedStatement } from '@ecommerce/service-kit';
import type { HistoryEntry, Order, OrderItem, OrderStatus, Payment, ShippingAddress } from '../domain/order';

/** Row shapes as pg returns them: bigint as string, timestamptz as Date, jsonb parsed. */
export interface OrderRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  total: string;
  currency: string;
  shipping_address: ShippingAddress;
  created_at: Date;
  updated_at: Date;
  version: number;
  refund_due: boolean;
}
interface ItemRow { order_id: string; product_id: string; name: string; unit_price: string; quantity: number; line_total: string }
interface HistoryRow { order_id: string; status: OrderStatus; at: Date; reason: string | null }
interface PaymentRow {
  id: string;
  order_id: string;
  kind: Payment['kind'];
  amount: string;
  currency: string;
  status: Payment['status'];
  gateway_reference: string;
  failure_reason: string | null;
  refund_of: string | null;
  created_at: Date;
}

/** Runs a statement and answers its rows; the hot, constant ones are prepared (see preparedStatement). */
export type Query = (sql: string | PreparedStatement, params?: unknown[]) => Promise<unknown[]>;

const money = (value: string | number): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`amount ${value} is not a safe integer`);
  return n;
};

const groupBy = <R extends { order_id: string }, T>(rows: R[], map: (row: R) => T): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(row.order_id) ?? [];
    list.push(map(row));
    groups.set(row.order_id, list);
  }
  return groups;
};

/**
 * The items, history and payments of a set of orders in one statement (each row as jsonb, tagged
 * with its kind and its place), instead of a round trip per table: reads are most of the traffic.
 */
const childrenOf = (orderIds: string) => `
  SELECT 'item' AS kind, row_number() OVER (ORDER BY order_id, position) AS seq, to_jsonb(c) AS row
    FROM order_items c WHERE order_id IN ${orderIds}
  UNION ALL
  SELECT 'history', row_number() OVER (ORDER BY order_id, id), to_jsonb(c)
    FROM order_history c WHERE order_id IN ${orderIds}
  UNION ALL
  SELECT 'payment', row_number() OVER (ORDER BY order_id, created_at, id), to_jsonb(c)
    FROM payments c WHERE order_id IN ${orderIds}`;

/**
 * One order and everything it holds; `lock` adds the row lock and the locked row's version. The lock
 * is taken in a CTE the result refers to (one it does not refer to is never run).
 */
const oneOrderSql = (lock: boolean) => `
  WITH ${lock ? 'locked AS (SELECT version FROM orders WHERE id = $1 FOR UPDATE), ' : ''}o AS (SELECT * FROM orders WHERE id = $1)
  ${lock ? `SELECT 'lock' AS kind, 0::bigint AS seq, to_jsonb(locked) AS row FROM locked UNION ALL` : ''}
  SELECT 'order' AS kind, 0::bigint AS seq, to_jsonb(o) AS row FROM o
  UNION ALL ${childrenOf('(SELECT id FROM o)')}
  ORDER BY kind, seq`;
const ONE_ORDER = preparedStatement('order_read', oneOrderSql(false));
const LOCK_ONE_ORDER = preparedStatement('order_lock_and_read', oneOrderSql(true));
const CHILDREN_OF_ORDERS = preparedStatement('order_children', `${childrenOf('(SELECT unnest($1::uuid[]))')} ORDER BY kind, seq`);

type Tagged = { kind: 'lock' | 'order' | 'item' | 'history' | 'payment'; row: Record<string, unknown> };

/** jsonb gives timestamps as ISO strings and bigints as numbers; rows here keep pg's own types. */
const asDate = (value: unknown): Date => new Date(value as string);

/**
 * One order with everything it holds, in a single round trip. Not for taking a row lock: a
 * statement that waits for the lock sees the new order row but its items, history and payments
 * from the snapshot taken before the wait.
 */
export async function loadOrder(query: Query, id: string): Promise<Order | undefined> {
  return fromTagged((await query(ONE_ORDER, [id])) as Tagged[]);
}

/**
 * Locks the order row (until the transaction ends) and reads the order, in one round trip when
 * nobody held the lock. The statement's snapshot predates any wait for the lock, so after a wait
 * its items, history and payments may miss what the holder committed; but every such commit also
 * moved the order's version, which the lock sees current. Versions that differ mean: read again.
 */
export async function lockAndLoadOrder(query: Query, id: string): Promise<Order | undefined> {
  const tagged = (await query(LOCK_ONE_ORDER, [id])) as Tagged[];
  const lock = tagged.find((t) => t.kind === 'lock');
  if (!lock) return undefined;
  const order = fromTagged(tagged);
  return order?.version === lock.row.version ? order : loadOrder(query, id);
}

function fromTagged(tagged: Tagged[]): Order | undefined {
  const order = tagged.find((t) => t.kind === 'order')?.row;
  if (!order) return undefined;
  const row = { ...order, created_at: asDate(order.created_at), updated_at: asDate(order.updated_at) } as unknown as OrderRow;
  return assemble([row], tagged)[0];
}

/** Loads items, history and payments for order rows already read (in their order), in one query. */
export async function hydrateOrders(query: Query, rows: OrderRow[]): Promise<Order[]> {
  if (!rows.length) return [];
  const tagged = (await query(CHILDREN_OF_ORDERS, [rows.map((r) => r.id)])) as Tagged[];
  return assemble(rows, tagged);
}

function assemble(rows: OrderRow[], tagged: Tagged[]): Order[] {
  const of = <R>(kind: Tagged['kind']) => tagged.filter((t) => t.kind === kind).map((t) => t.row as unknown as R);
  const items = of<ItemRow>('item');
  const history = of<HistoryRow>('history').map((r) => ({ ...r, at: asDate(r.at) }));
  const payments = of<PaymentRow>('payment').map((r) => ({ ...r, created_at: asDate(r.created_at) }));
  const itemsOf = groupBy(items, (r): OrderItem => ({
    productId: r.product_id,
    name: r.name,
    unitPrice: money(r.unit_price),
    quantity: r.quantity,
    lineTotal: money(r.line_total),
  }));
  const historyOf = groupBy(history, (r): HistoryEntry => ({ status: r.status, at: r.at, reason: r.reason }));
  const paymentsOf = groupBy(payments, (r): Payment => ({
    id: r.id,
    kind: r.kind,
    amount: money(r.amount),
    currency: r.currency,
    status: r.status,
    reference: r.gateway_reference,
    failureReason: r.failure_reason,
    refundOf: r.refund_of,
    createdAt: r.created_at,
  }));
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    status: r.status,
    items: itemsOf.get(r.id) ?? [],
    total: money(r.total),
    currency: r.currency,
    shippingAddress: r.shipping_address,
    history: historyOf.get(r.id) ?? [],
    payments: paymentsOf.get(r.id) ?? [],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
    refundDue: r.refund_due,
  }));
}
