import type { Order } from '../order';
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

/** Failures in one batch after which a sweep takes the processor for down and ends. */
const FAILURES_BEFORE_GIVING_UP = 3;

/**
 * The sweeper's part: every order still owed a refund, least recently tried first, a batch per
 * transaction. An order the processor does not refund is noted as tried, which puts it behind the
 * others owed one, and the sweep goes on, so refunds it keeps refusing hold up nobody; after three
 * failures it ends, taking the processor for down, rather than holding the batch's row locks
 * through a timeout per order. A database error ends the sweep too.
 */
export async function refundOrdersDue(
  store: OrderStore,
  gateway: PaymentGateway,
  options: { batchSize?: number; onRefundFailed?: (orderId: string, err: unknown) => void } = {},
): Promise<RefundsResult> {
  const batchSize = options.batchSize ?? 100;
  const total: RefundsResult = { refunded: 0, waiting: 0 };
  for (;;) {
    const batch = await store.transaction(async (tx) => {
      const orders = await tx.lockRefundsDue(batchSize);
      const result = { refunded: 0, waiting: 0, seen: orders.length };
      for (const order of orders) {
        let refund;
        try {
          refund = await refundCharge(gateway, order);
        } catch (err) {
          options.onRefundFailed?.(order.id, err);
          await tx.noteRefundTried(order.id);
          result.waiting++;
          if (result.waiting >= FAILURES_BEFORE_GIVING_UP) break;
          continue;
        }
        await tx.recordRefund(order, refund);
        result.refunded++;
      }
      return result;
    });
    total.refunded += batch.refunded;
    total.waiting += batch.waiting;
    // Not another batch after failures: the orders noted as tried would come round again at its end.
    if (batch.seen < batchSize || batch.waiting > 0) return total;
  }
}
