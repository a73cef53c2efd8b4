import { visibleOrder, type Actor, type Order } from './order';
import { assertTransition, transition } from './order-status';
import { paymentsOfCancel } from './payments/order-payments';
import type { OrderDeps } from './ports';

/**
 * Cancels an unpaid or CONFIRMED order (owner or admin), giving back what it was charged first
 * (paymentsOfCancel). A CONFIRMED order's order.cancelled event carries previousStatus CONFIRMED,
 * which tells integration-service to give the stock back. PAID is refused: stock is being
 * committed for it right now.
 */
export async function cancelOrder(deps: OrderDeps, actor: Actor, orderId: string): Promise<Order> {
  return deps.store.transaction(async (tx) => {
    const order = visibleOrder(await tx.lockOrder(orderId), actor);
    assertTransition(order, 'CANCELLED');
    const payments = await paymentsOfCancel(deps.gateway, order);
    const reason = order.userId === actor.userId ? 'CANCELLED_BY_CUSTOMER' : 'CANCELLED_BY_ADMIN';
    return transition(tx, order, 'CANCELLED', reason, payments);
  });
}
