import type { Page } from '@ecommerce/service-kit';
import type { HistoryEntry, Order, OrderStatus, Payment } from './order';
import type { OutboxEvent } from './order-events';
import type { PaymentGateway } from './payments/payment-gateway';

/** What the domain asks of the database inside one transaction. */
export interface OrderTx {
  /** The order, its row locked until the transaction ends, so concurrent changes take turns. */
  lockOrder(id: string): Promise<Order | undefined>;
  /** Unpaid orders placed before `cutoff`, locked; rows another transaction holds are skipped, not awaited. */
  lockUnpaidPlacedBefore(cutoff: Date, limit: number): Promise<Order[]>;
  /** The order row, its items, its history so far and its first event, together. */
  insertOrder(order: Order, event: OutboxEvent): Promise<void>;
  /**
   * Moves the status, appends the history entry, records the payment (a charge or refund that
   * came with this move, if any) and writes the event, together; fails if the order changed since
   * `order` was read (version check).
   */
  recordTransition(order: Order, entry: HistoryEntry, event: OutboxEvent, payment?: Payment): Promise<void>;
  /** Marks an order just moved to CANCELLED or REFUNDED as owed a refund (refunds-due.ts). */
  markRefundDue(orderId: string): Promise<void>;
  /** Orders owed a refund, least recently tried first, locked; rows another transaction holds are skipped, not awaited. */
  lockRefundsDue(limit: number): Promise<Order[]>;
  /** A refund owed was tried and failed: the order goes behind the others owed one. */
  noteRefundTried(orderId: string): Promise<void>;
  /** The order's refund (none when it was refunded already), and the order no longer owed one; moves its version. */
  recordRefund(order: Order, refund: Payment | undefined): Promise<void>;
  /**
   * Takes the key for this request; resolves undefined when it is ours. When another request holds
   * it, waits until that one commits or rolls back, then resolves its record (or takes the key).
   */
  claimIdempotencyKey(userId: string, key: string, requestHash: string): Promise<IdempotencyRecord | undefined>;
  completeIdempotencyKey(userId: string, key: string, orderId: string, response: unknown): Promise<void>;
}

export interface IdempotencyRecord {
  requestHash: string;
  orderId: string | null;
  /** The body first answered with this key. */
  response: unknown;
}

export interface OrderListQuery {
  userId?: string;
  status?: OrderStatus;
  page: number;
  limit: number;
}

export interface OrderStore {
  /** Runs fn in one database transaction: everything it writes commits together or not at all. */
  transaction<T>(fn: (tx: OrderTx) => Promise<T>): Promise<T>;
  /** OrderTx.insertOrder on its own: one atomic write, with no transaction around it. */
  insertOrder(order: Order, event: OutboxEvent): Promise<void>;
  /**
   * OrderTx.recordTransition on its own: one atomic write, with no transaction or row lock around
   * it. Resolves false, having written nothing, when the order changed since `order` was read.
   * No payment: a move that charges or refunds calls the gateway, and keeps the row lock for it.
   */
  recordTransition(order: Order, entry: HistoryEntry, event: OutboxEvent): Promise<boolean>;
  findById(id: string): Promise<Order | undefined>;
  list(query: OrderListQuery): Promise<Page<Order>>;
  findIdempotencyRecord(userId: string, key: string): Promise<IdempotencyRecord | undefined>;
  deleteIdempotencyKeysBefore(cutoff: Date): Promise<number>;
}

/** A product as product-service prices it for an order. */
export interface CatalogProduct {
  id: string;
  name: string;
  price: number;
  currency: string;
  /** Units in stock. */
  quantity: number;
  deleted: boolean;
}

export interface ProductCatalog {
  /** Every product asked for that exists (deleted ones included and marked), in one call. */
  findByIds(ids: string[]): Promise<CatalogProduct[]>;
}

/** Everything the order use cases work with. */
export interface OrderDeps {
  store: OrderStore;
  catalog: ProductCatalog;
  gateway: PaymentGateway;
  /** A refund owed that could not be made at once (the processor unreachable); the sweeper retries it. */
  onRefundDeferred?: (orderId: string, err: unknown) => void;
}
