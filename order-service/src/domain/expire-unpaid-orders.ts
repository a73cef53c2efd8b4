import { sweepLockedOrders } from './locked-order-sweep';
import { transition } from './order-status';
import type { PaymentGateway } from './payments/payment-gateway';
import { findLostCharge } from './payments/order-payments';
import type { OrderStore } from './ports';

export const PAYMENT_TIMEOUT = 'PAYMENT_TIMEOUT';

export interface ExpiryResult {
  cancelled: number;
  /** Made PAID by a charge the processor had taken but this service had not recorded. */
  paid: number;
  /** Left for the next sweep: the processor could not say whether it charged them. */
  unsettled: number;
}

export interface ExpiryOptions {
  batchSize?: number;
  /** Called when the processor cannot be asked about an order. */
  onLookupFailed?: (orderId: string, err: unknown) => void;
}

/**
 * Settles orders left unpaid (PENDING or PAYMENT_FAILED) for longer than `timeoutMs`
 * (sweepLockedOrders). Before an order is cancelled (reason PAYMENT_TIMEOUT) the processor is asked
 * whether it charged it after all (findLostCharge): if so, the customer has paid, and the order is
 * PAID with that charge recorded instead, so no money is kept for a cancelled order. While the
 * processor cannot be asked, orders are left as they are.
 */
export async function settleExpiredOrders(
  store: OrderStore,
  gateway: PaymentGateway,
  timeoutMs: number,
  options: ExpiryOptions = {},
): Promise<ExpiryResult> {
  const { cancelled, paid, failed } = await sweepLockedOrders(store, {
    outcomes: ['cancelled', 'paid'] as const,
    batchSize: options.batchSize,
    lock: (tx, limit) => tx.lockUnpaidPlacedBefore(new Date(Date.now() - timeoutMs), limit),
    ask: (order) => findLostCharge(gateway, order),
    record: async (tx, order, lost) => {
      if (lost) {
        await transition(tx, order, 'PAID', null, lost);
        return 'paid';
      }
      await transition(tx, order, 'CANCELLED', PAYMENT_TIMEOUT);
      return 'cancelled';
    },
    failed: (_tx, order, err) => options.onLookupFailed?.(order.id, err),
  });
  return { cancelled, paid, unsettled: failed };
}
