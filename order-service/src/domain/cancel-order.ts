import { visibleOrder, type Actor, type Order } from './order';
import { assertTransition, invalidState, transition } from './order-status';
import { askForLostCharge } from './payments/order-payments';
import { moveOwingRefund, refundNow } from './payments/refunds-due';
import type { OrderDeps } from './ports';

/**
 * Cancels an unpaid or CONFIRMED order (owner or admin). A CONFIRMED order becomes CANCELLED owed a
 * refund, which is made right after (refunds-due.ts); its order.cancelled event carries
 * previousStatus CONFIRMED, which tells integration-service to give the stock back. PAID is
 * refused: stock is being committed for it right now.
 *
 * An unpaid order may have been charged by an attempt whose answer was lost (findLostCharge), so
 * the processor is asked first, as the payment timeout does; cancelling blind would keep that money
 * for good, since nothing looks at a cancelled order again. A charge it finds makes the order PAID
 * (committed, and confirmed from there like any other) and the cancel a 409: refunding it here,
 * before the commit, could leave a refunded charge that a later look-up or payment takes for money
 * received if the commit failed. While the processor cannot be asked, 503 and nothing changes.
 */
export async function cancelOrder(deps: OrderDeps, actor: Actor, orderId: string): Promise<Order> {
  const outcome = await deps.store.transaction(async (tx) => {
    const order = visibleOrder(await tx.lockOrder(orderId), actor);
    assertTransition(order, 'CANCELLED');
    const reason = order.userId === actor.userId ? 'CANCELLED_BY_CUSTOMER' : 'CANCELLED_BY_ADMIN';
    if (order.status === 'CONFIRMED') return { order: await moveOwingRefund(tx, order, 'CANCELLED', reason) };
    const lost = await askForLostCharge(deps.gateway, order);
    if (lost) return { order: await transition(tx, order, 'PAID', null, lost), paidAfterAll: true };
    return { order: await transition(tx, order, 'CANCELLED', reason) };
  });
  if (outcome.paidAfterAll) {
    throw invalidState(
      outcome.order,
      'CANCELLED',
      'The order turned out to be paid (a payment whose answer was lost went through) and is being confirmed; cancel it once it is CONFIRMED to be refunded',
    );
  }
  return outcome.order.refundDue ? refundNow(deps, outcome.order) : outcome.order;
}
