import type { Payment } from './order';
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
 * Settles orders left unpaid (PENDING or PAYMENT_FAILED) for longer than `timeoutMs`, one batch per
 * transaction. Rows locked elsewhere (a payment in progress, another replica's sweep) are skipped.
 * Before an order is cancelled (reason PAYMENT_TIMEOUT) the processor is asked whether it charged
 * it after all (findLostCharge): if so, the customer has paid, and the order is PAID with that
 * charge recorded instead, so no money is kept for a cancelled order. While the processor cannot
 * be asked, orders are left as they are, and the sweep ends after that batch rather than
 * selecting them again.
 */
export async function settleExpiredOrders(
  store: OrderStore,
  gateway: PaymentGateway,
  timeoutMs: number,
  options: ExpiryOptions = {},
): Promise<ExpiryResult> {
  const batchSize = options.batchSize ?? 100;
  const total: ExpiryResult = { cancelled: 0, paid: 0, unsettled: 0 };
  for (;;) {
    const batch = await store.transaction(async (tx) => {
      const orders = await tx.lockUnpaidPlacedBefore(new Date(Date.now() - timeoutMs), batchSize);
      const result: ExpiryResult & { seen: number } = { cancelled: 0, paid: 0, unsettled: 0, seen: orders.length };
      for (const order of orders) {
        let lost: Payment | undefined;
        try {
          lost = await findLostCharge(gateway, order);
        } catch (err) {
          options.onLookupFailed?.(order.id, err);
          result.unsettled++;
          continue;
        }
        if (lost) {
          await transition(tx, order, 'PAID', null, lost);
          result.paid++;
        } else {
          await transition(tx, order, 'CANCELLED', PAYMENT_TIMEOUT);
          result.cancelled++;
        }
      }
      return result;
    });
    total.cancelled += batch.cancelled;
    total.paid += batch.paid;
    total.unsettled += batch.unsettled;
    if (batch.seen < batchSize || batch.unsettled > 0) return total;
  }
}
