import type { Order, OrderStatus, ShippingAddress } from './order';

/** An order as the API shows it (DESIGN.md § order-service): money in minor units, times in ISO 8601 UTC. */
export interface OrderResource {
  id: string;
  userId: string;
  status: OrderStatus;
  items: { productId: string; name: string; unitPrice: number; quantity: number; lineTotal: number }[];
  total: number;
  currency: string;
  shippingAddress: ShippingAddress;
  history: { status: OrderStatus; at: string; reason: string | null }[];
  payments: {
    id: string;
    kind: 'charge' | 'refund';
    amount: number;
    currency: string;
    status: 'succeeded' | 'declined';
    reference: string;
    failureReason: string | null;
    createdAt: string;
  }[];
  createdAt: string;
  updatedAt: string;
}

export function toOrderResource(order: Order): OrderResource {
  return {
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
  };
}
