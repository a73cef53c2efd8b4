import { AppError } from '@ecommerce/service-kit';
import type { HistoryEntry, Order, OrderStatus, Payment } from './order';
import { orderEvent, type OutboxEvent } from './order-events';
import type { OrderTx } from './ports';

/**
 * The order state machine (DESIGN.md § order-service, States). Every status change is worked out by
 * `planTransition` and written with its history entry and outbox event together: by `transition`, in
 * the caller's transaction after it locked the order row, or on its own by a version-checked write.
 */
const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: ['PAID', 'PAYMENT_FAILED', 'CANCELLED'],
  // A second declined attempt is recorded as its own PAYMENT_FAILED entry and event.
  PAYMENT_FAILED: ['PAID', 'PAYMENT_FAILED', 'CANCELLED'],
  PAID: ['CONFIRMED', 'REFUNDED'],
  CONFIRMED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
  REFUNDED: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => TRANSITIONS[from].includes(to);

export function invalidState(order: Order, requested: OrderStatus, message?: string): AppError {
  return new AppError(409, 'INVALID_STATE', message ?? `The order is ${order.status} and cannot become ${requested}`, {
    details: [{ field: 'status', message: `current status ${order.status}`, current: order.status, requested }],
  });
}

export function assertTransition(order: Order, to: OrderStatus): void {
  if (!canTransition(order.status, to)) throw invalidState(order, to);
}

/** Records a new order (status PENDING) and its order.created event. */
export async function recordNewOrder(writer: Pick<OrderTx, 'insertOrder'>, order: Order): Promise<void> {
  await writer.insertOrder(order, orderEvent(order, null, null, order.createdAt));
}

/** A status change worked out before it is written: the order as it will be, its history entry and its event. */
export interface PlannedTransition {
  moved: Order;
  entry: HistoryEntry;
  event: OutboxEvent;
}

/** Works out the move of `order` to `to`, or throws 409 INVALID_STATE; writes nothing. */
export function planTransition(order: Order, to: OrderStatus, reason: string | null = null, payment?: Payment): PlannedTransition {
  assertTransition(order, to);
  const at = new Date();
  const entry = { status: to, at, reason };
  const moved: Order = {
    ...order,
    status: to,
    updatedAt: at,
    version: order.version + 1,
    history: [...order.history, entry],
    payments: payment ? [...order.payments, payment] : order.payments,
  };
  return { moved, entry, event: orderEvent(moved, order.status, reason, at) };
}

/**
 * Moves a locked order to `to`, or throws 409 INVALID_STATE; returns the order as it now is.
 * `payment`: the charge or refund this move records (PAID, PAYMENT_FAILED, REFUNDED, CANCELLED).
 */
export async function transition(tx: OrderTx, order: Order, to: OrderStatus, reason: string | null = null, payment?: Payment): Promise<Order> {
  const planned = planTransition(order, to, reason, payment);
  await tx.recordTransition(order, planned.entry, planned.event, payment);
  return planned.moved;
}
