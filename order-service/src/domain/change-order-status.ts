import { notFound } from '@ecommerce/service-kit';
import type { Order, OrderStatus } from './order';
import { invalidState, transition } from './order-status';
import { refundCharge } from './payments/order-payments';
import type { OrderDeps, OrderStore } from './ports';

/** Fulfilment by an admin: SHIPPED from CONFIRMED, DELIVERED from SHIPPED; any other move 409. */
export async function fulfilOrder(store: OrderStore, orderId: string, status: OrderStatus): Promise<Order> {
  return store.transaction(async (tx) => {
    const order = await tx.lockOrder(orderId);
    if (!order) throw notFound('Order not found');
    if (status !== 'SHIPPED' && status !== 'DELIVERED') {
      throw invalidState(order, status, `Admins move orders to SHIPPED or DELIVERED only, not ${status}`);
    }
    return transition(tx, order, status);
  });
}

/**
 * integration-service's verdict on a PAID order once stock was (or could not be) committed:
 * CONFIRMED, or REFUNDED with the payment given back. Being told the current status again
 * (a redelivered event) changes nothing; any other move is 409.
 */
export async function settlePaidOrder(deps: OrderDeps, orderId: string, status: OrderStatus, reason: string | null): Promise<Order> {
  return deps.store.transaction(async (tx) => {
    const order = await tx.lockOrder(orderId);
    if (!order) throw notFound('Order not found');
    const settling = status === 'CONFIRMED' || status === 'REFUNDED';
    if (settling && order.status === status) return order;
    if (!settling || order.status !== 'PAID') {
      throw invalidState(order, status, `Only a PAID order can become CONFIRMED or REFUNDED; this one is ${order.status}`);
    }
    const refund = status === 'REFUNDED' ? await refundCharge(deps.gateway, order) : undefined;
    return transition(tx, order, status, reason, refund);
  });
}
