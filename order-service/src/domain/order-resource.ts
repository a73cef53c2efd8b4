import { derivedOncePerFrozen } from '@ecommerce/service-kit';
import type { HistoryEntry, Order, Payment } from './order';

/** T with the fields K as ISO 8601 strings instead of Dates. */
type WithIsoTimes<T, K extends keyof T> = Omit<T, K> & { [P in K]: string };

/** An order as the API shows it (DESIGN.md § order-service): money in minor units, times in ISO 8601 UTC. */
export interface OrderResource extends WithIsoTimes<Omit<Order, 'history' | 'payments' | 'version' | 'refundDue'>, 'createdAt' | 'updatedAt'> {
  history: WithIsoTimes<HistoryEntry, 'at'>[];
  payments: WithIsoTimes<Omit<Payment, 'refundOf'>, 'createdAt'>[];
}

/**
 * The order as the API shows it. An order the read cache shares (frozen) gets one shared resource,
 * so the API can also serialise it once.
 */
export const toOrderResource = derivedOncePerFrozen(
  (order: Order): OrderResource => ({
    id: order.id,
    userId: order.userId,
    status: order.status,
    items: order.items.map(({ productId, name, unitPrice, quantity, lineTotal }) => ({ productId, name, unitPrice, quantity, lineTotal })),
    total: order.total,
    currency: order.currency,
    shippingAddress: order.shippingAddress,
    history: order.history.map((h) => ({ status: h.status, at: h.at.toISOString(), reason: h.reason })),
    payments: order.payments.map((p) => ({
      id: p.id,
      kind: p.kind,
      amount: p.amount,
      currency: p.currency,
      status: p.status,
      reference: p.reference,
      failureReason: p.failureReason,
      createdAt: p.createdAt.toISOString(),
    })),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  }),
);
