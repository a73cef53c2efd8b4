import { notFound } from '@ecommerce/service-kit';
import type { Order, OrderStatus } from './order';
import { canTransition, invalidState, planTransition, transition } from './order-status';
import { moveOwingRefund, refundNow } from './payments/refunds-due';
import type { OrderDeps, OrderStore } from './ports';

/** Fulfilment by an admin: SHIPPED from CONFIRMED, DELIVERED from SHIPPED; any other move 409. */
export async function fulfilOrder(store: OrderStore, orderId: string, status: OrderStatus): Promise<Order> {
  const fulfilment = status === 'SHIPPED' || status === 'DELIVERED';
  if (fulfilment) {
    const moved = await moveWithoutLock(store, orderId, status, null);
    if (moved) return moved;
  }
  return store.transaction(async (tx) => {
    const order = await tx.lockOrder(orderId);
    if (!order) throw notFound('Order not found');
    if (!fulfilment) {
      throw invalidState(order, status, `Admins move orders to SHIPPED or DELIVERED only, not ${status}`);
    }
    return transition(tx, order, status);
  });
}

/**
 * integration-service's verdict on a PAID order once stock was (or could not be) committed:
 * CONFIRMED, or REFUNDED with the payment given back. Being told the current status again
 * (a redelivered event) changes nothing and says so (`replayed`); any other move is 409.
 */
export async function settlePaidOrder(
  deps: OrderDeps,
  orderId: string,
  status: OrderStatus,
  reason: string | null,
): Promise<{ order: Order; replayed: boolean }> {
  if (status === 'CONFIRMED') {
    const confirmed = await moveWithoutLock(deps.store, orderId, status, reason);
    if (confirmed) return { order: confirmed, replayed: false };
  }
  const settled = await deps.store.transaction(async (tx) => {
    const order = await tx.lockOrder(orderId);
    if (!order) throw notFound('Order not found');
    const settling = status === 'CONFIRMED' || status === 'REFUNDED';
    if (settling && order.status === status) return { order, replayed: true };
    if (!settling || order.status !== 'PAID') {
      throw invalidState(order, status, `Only a PAID order can become CONFIRMED or REFUNDED; this one is ${order.status}`);
    }
    // A refund itself comes after the commit (refunds-due.ts).
    const moved = status === 'REFUNDED' ? await moveOwingRefund(tx, order, status, reason) : await transition(tx, order, status, reason);
    return { order: moved, replayed: false };
  });
  // A repeat finds the order REFUNDED, perhaps still owed its refund: it waits for, or makes, that refund too.
  return settled.order.refundDue ? { ...settled, order: await refundNow(deps, settled.order) } : settled;
}

/** The moves that call nothing outside the database; a charge calls the gateway. */
const DATABASE_ONLY_MOVES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['CONFIRMED', 'SHIPPED', 'DELIVERED']);

/**
 * A move that calls nothing outside the database (DATABASE_ONLY_MOVES) needs no row lock:
 * the order is read (from the read cache when it holds it) and moved by one version-checked write,
 * two round trips instead of a locked transaction's four. Every paid order is confirmed this way.
 * Undefined when the move is not one of those, when the order as read cannot make it, or when the
 * order changed before the write: the locked path then decides (a repeat, or 409).
 */
async function moveWithoutLock(store: OrderStore, orderId: string, to: OrderStatus, reason: string | null): Promise<Order | undefined> {
  // Any other move keeps the row lock, so that two at once cannot both call the gateway.
  if (!DATABASE_ONLY_MOVES.has(to)) return undefined;
  const order = await store.findById(orderId);
  if (!order) throw notFound('Order not found');
  if (!canTransition(order.status, to)) return undefined;
  const planned = planTransition(order, to, reason);
  return (await store.recordTransition(order, planned.entry, planned.event)) ? planned.moved : undefined;
}
