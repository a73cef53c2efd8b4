import { randomUUID } from 'node:crypto';
import { currentRequestId } from '@ecommerce/service-kit';
import type { Order, OrderStatus } from './order';

export const ORDER_EVENTS_EXCHANGE = 'ecommerce.orders';

export type OrderEventType =
  | 'order.created'
  | 'order.paid'
  | 'order.payment_failed'
  | 'order.confirmed'
  | 'order.refunded'
  | 'order.cancelled'
  | 'order.shipped'
  | 'order.delivered';

/** The event announcing that an order entered each status; its type is also its routing key. */
export const EVENT_FOR_STATUS: Record<OrderStatus, OrderEventType> = {
  PENDING: 'order.created',
  PAID: 'order.paid',
  PAYMENT_FAILED: 'order.payment_failed',
  CONFIRMED: 'order.confirmed',
  REFUNDED: 'order.refunded',
  CANCELLED: 'order.cancelled',
  SHIPPED: 'order.shipped',
  DELIVERED: 'order.delivered',
};

/**
 * Events another service must act on (integration-service consumes these, DESIGN.md). They are
 * published `mandatory`: while no queue takes them (the worker's queue not declared yet) they stay
 * in the outbox rather than being dropped. The others are notifications — whoever listens gets
 * them, and nobody listening is no reason to keep them (they would pile up in the outbox forever).
 */
export const EVENTS_THAT_MUST_BE_ROUTED: ReadonlySet<OrderEventType> = new Set(['order.paid', 'order.cancelled']);

/** The message body of DESIGN.md § Events. */
export interface OrderEventBody {
  id: string;
  type: OrderEventType;
  version: 1;
  occurredAt: string;
  data: {
    orderId: string;
    userId: string;
    status: OrderStatus;
    previousStatus: OrderStatus | null;
    items: { productId: string; quantity: number }[];
    total: number;
    currency: string;
    reason: string | null;
  };
}

/** An event on its way to RabbitMQ: what the outbox stores in the same transaction as the change. */
export interface OutboxEvent {
  id: string;
  routingKey: OrderEventType;
  body: OrderEventBody;
  /** AMQP headers; x-request-id is taken now, while the request that caused the change is current. */
  headers: Record<string, string>;
}

export function orderEvent(order: Order, previousStatus: OrderStatus | null, reason: string | null, at: Date): OutboxEvent {
  const id = randomUUID();
  const type = EVENT_FOR_STATUS[order.status];
  return {
    id,
    routingKey: type,
    headers: { 'x-request-id': currentRequestId() ?? id },
    body: {
      id,
      type,
      version: 1,
      occurredAt: at.toISOString(),
      data: {
        orderId: order.id,
        userId: order.userId,
        status: order.status,
        previousStatus,
        items: order.items.map(({ productId, quantity }) => ({ productId, quantity })),
        total: order.total,
        currency: order.currency,
        reason,
      },
    },
  };
}
