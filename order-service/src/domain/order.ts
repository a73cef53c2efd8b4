import { forbidden, notFound, type AuthenticatedUser } from '@ecommerce/service-kit';

export const ORDER_STATUSES = [
  'PENDING',
  'PAYMENT_FAILED',
  'PAID',
  'CONFIRMED',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'REFUNDED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
}

/** A line as it was priced when the order was placed; later catalogue changes never touch it. */
export interface OrderItem {
  productId: string;
  name: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
}

export interface HistoryEntry {
  status: OrderStatus;
  at: Date;
  reason: string | null;
}

export interface Payment {
  id: string;
  kind: 'charge' | 'refund';
  amount: number;
  currency: string;
  status: 'succeeded' | 'declined';
  /** The gateway's own id for this charge or refund (ch_… / re_…). */
  reference: string;
  failureReason: string | null;
  /** For a refund: the charge it gives back. */
  refundOf: string | null;
  createdAt: Date;
}

export interface Order {
  id: string;
  userId: string;
  status: OrderStatus;
  items: OrderItem[];
  total: number;
  currency: string;
  shippingAddress: ShippingAddress;
  history: HistoryEntry[];
  payments: Payment[];
  createdAt: Date;
  updatedAt: Date;
  /** Bumped by every status change and recorded refund; a second guard next to the row lock. */
  version: number;
  /** A CANCELLED or REFUNDED order whose charge is still to be given back (domain/payments/refunds-due.ts). */
  refundDue: boolean;
}

/** Who is acting: a user as user-service vouches for them. */
export type Actor = Pick<AuthenticatedUser, 'userId' | 'role'>;

const isAdmin = (actor: Actor) => actor.role === 'admin';

/** Owners and admins see an order; to anyone else it does not exist (404, never 403). */
export function visibleOrder(order: Order | undefined, actor: Actor): Order {
  if (!order || (order.userId !== actor.userId && !isAdmin(actor))) throw notFound('Order not found');
  return order;
}

/**
 * Only the owner may do this (pay). An admin, who can see the order, is refused (403); to anyone
 * else it does not exist (404), as when reading it, so acting on an id reveals no more than reading it.
 */
export function ownOrder(order: Order | undefined, actor: Actor): Order {
  const visible = visibleOrder(order, actor);
  if (visible.userId !== actor.userId) throw forbidden('Only the customer who placed the order can pay for it');
  return visible;
}
