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

type Query = (sql: string, params?: unknown[]) => Promise<unknown[]>;

const money = (value: string): number => {
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

/** Loads items, history and payments for order rows already read (in their order), in three queries. */
export async function hydrateOrders(query: Query, rows: OrderRow[]): Promise<Order[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  // One after another: inside a transaction `query` is a single connection, which runs one query at a time.
  const items = (await query('SELECT * FROM order_items WHERE order_id = ANY($1) ORDER BY order_id, position', [ids])) as ItemRow[];
  const history = (await query('SELECT * FROM order_history WHERE order_id = ANY($1) ORDER BY order_id, id', [ids])) as HistoryRow[];
  const payments = (await query('SELECT * FROM payments WHERE order_id = ANY($1) ORDER BY order_id, created_at, id', [ids])) as PaymentRow[];
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
  }));
}
