import { linesByProduct, type OrderEvent } from './order-event';
import type { OrderStatusPort, StockPort } from './ports';

export type Outcome = 'confirmed' | 'refunded' | 'released' | 'ignored';

export const OUT_OF_STOCK = 'OUT_OF_STOCK';

/**
 * order.paid: commit every line; all committed → CONFIRMED; any short → release what this order
 * committed, then REFUNDED (order-service refunds the payment). Every step is idempotent at its
 * service, so a redelivered or retried event changes nothing that was already done.
 */
export async function reconcilePaidOrder(event: OrderEvent, stock: StockPort, orders: OrderStatusPort): Promise<Outcome> {
  const { orderId } = event.data;
  const lines = linesByProduct(event.data.items);
  const results = await Promise.all(lines.map((line) => stock.commit(orderId, line.productId, line.quantity)));
  if (results.every((result) => result === 'committed')) {
    // 'repeated' or 'moved-on' means a duplicate of an event already handled (the order is
    // CONFIRMED or beyond): its commits were no-ops, and giving stock back is order.cancelled's job alone.
    const moved = await orders.setStatus(orderId, 'CONFIRMED');
    return moved === 'done' ? 'confirmed' : 'ignored';
  }
  await releaseAll(event, stock);
  const moved = await orders.setStatus(orderId, 'REFUNDED', OUT_OF_STOCK);
  return moved === 'done' ? 'refunded' : 'ignored';
}

/** order.cancelled: only a CONFIRMED order had its stock taken, so only then is it given back. */
export async function releaseCancelledOrder(event: OrderEvent, stock: StockPort): Promise<Outcome> {
  if (event.data.previousStatus !== 'CONFIRMED') return 'ignored';
  await releaseAll(event, stock);
  return 'released';
}

async function releaseAll(event: OrderEvent, stock: StockPort): Promise<void> {
  await Promise.all(linesByProduct(event.data.items).map((line) => stock.release(event.data.orderId, line.productId, line.quantity)));
}

export function handleOrderEvent(event: OrderEvent, stock: StockPort, orders: OrderStatusPort): Promise<Outcome> {
  return event.type === 'order.paid' ? reconcilePaidOrder(event, stock, orders) : releaseCancelledOrder(event, stock);
}
