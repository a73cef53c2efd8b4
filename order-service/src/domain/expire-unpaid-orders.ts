import { transition } from './order-status';
import type { OrderStore } from './ports';

export const PAYMENT_TIMEOUT = 'PAYMENT_TIMEOUT';

/**
 * Cancels orders left unpaid (PENDING or PAYMENT_FAILED) for longer than `timeoutMs`, one batch per
 * transaction. Rows locked elsewhere (a payment in progress, another replica's sweep) are skipped.
 * Resolves how many were cancelled.
 */
export async function cancelExpiredOrders(store: OrderStore, timeoutMs: number, batchSize = 100): Promise<number> {
  let cancelled = 0;
  for (;;) {
    const count = await store.transaction(async (tx) => {
      const orders = await tx.lockUnpaidPlacedBefore(new Date(Date.now() - timeoutMs), batchSize);
      for (const order of orders) await transition(tx, order, 'CANCELLED', PAYMENT_TIMEOUT);
      return orders.length;
    });
    cancelled += count;
    if (count < batchSize) return cancelled;
  }
}
