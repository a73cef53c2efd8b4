import { sweepLockedOrders } from '../locked-order-sweep';
import type { Order } from '../order';
import { transition } from '../order-status';
import type { OrderDeps, OrderStore, OrderTx } from '../ports';
import type { PaymentGateway } from './payment-gateway';
import { refundCharge } from './order-payments';

/*
 * Refunds are owed, then given. A move to CANCELLED (from CONFIRMED) or to REFUNDED commits with the
 * order marked refund due (OrderTx.markRefundDue), and the refund is made afterwards in a transaction
 * of its own. Made inside the move's transaction, a refund whose commit then failed would have given
 * the money back while the order stayed CONFIRMED (to be shipped) or PAID, with nothing left to say
 * so. Until its refund is recorded an order stays due: the request that moved it tries at once, the
 * sweeper again later (refundOrdersDue). The refund's idempotency key is the charge's, so a try after
 * a lost answer is the same refund, not a second one.
 */

/** Moves a locked order to CANCELLED or REFUNDED owing its charge back, to be given after the commit (refundNow). */
export async function moveOwingRefund(tx: OrderTx, order: Order, to: 'CANCELLED' | 'REFUNDED', reason: string | null): Promise<Order> {
  const moved = await transition(tx, order, to, reason);
  await tx.markRefundDue(order.id);
  return { ...moved, refundDue: true };
}

/** Gives back a locked order's charge if it is still owed; resolves the order as it now is. */
async function refundIfDue(tx: OrderTx, gateway: PaymentGateway, order: Order): Promise<Order> {
  if (!order.refundDue) return order;
  const refund = await refundCharge(gateway, order);
  await tx.recordRefund(order, refund);
  return { ...order, refundDue: false, version: order.version + 1, payments: refund ? [...order.payments, refund] : order.payments };
}

/**
 * After a move that left the order refund due: the refund, now. Waits for a request or sweep that is
 * refunding it already, then answers the order as that left it. When the processor cannot be
 * reached, the order as it is (still due; the sweeper tries again).
 */
export async function refundNow(deps: OrderDeps, order: Order): Promise<Order> {
  try {
    return await deps.store.transaction(async (tx) => refundIfDue(tx, deps.gateway, (await tx.lockOrder(order.id)) ?? order));
  } catch (err) {
    deps.onRefundDeferred?.(order.id, err);
    return order;
  }
}

export interface RefundsResult {
  refunded: number;
  /** Tried in this sweep and still due: the processor did not refund them. */
  waiting: number;
}

/**
 * The sweeper's part (sweepLockedOrders): every order still owed a refund, least recently tried
 * first. One the processor does not refund is noted as tried, which puts it behind the others owed
 * one, so refunds it keeps refusing hold up nobody.
 */
export async function refundOrdersDue(
  store: OrderStore,
  gateway: PaymentGateway,
  options: { batchSize?: number; onRefundFailed?: (orderId: string, err: unknown) => void } = {},
): Promise<RefundsResult> {
  const { refunded, failed } = await sweepLockedOrders(store, {
    outcomes: ['refunded'] as const,
    batchSize: options.batchSize,
    lock: (tx, limit) => tx.lockRefundsDue(limit),
    ask: (order) => refundCharge(gateway, order),
    record: async (tx, order, refund) => {
      await tx.recordRefund(order, refund);
      return 'refunded';
    },
    failed: async (tx, order, err) => {
      options.onRefundFailed?.(order.id, err);
      await tx.noteRefundTried(order.id);
    },
  });
  return { refunded, waiting: failed };
}
