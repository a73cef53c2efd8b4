import { AppError } from '@ecommerce/service-kit';
import { ownOrder, type Actor, type Order } from './order';
import { invalidState } from './order-status';
import { chargeOrder } from './payments/order-payments';
import type { OrderDeps } from './ports';

const DECLINE_MESSAGES: Record<string, string> = {
  card_declined: 'The card was declined',
  insufficient_funds: 'The card has insufficient funds',
};

/**
 * Pays a PENDING or PAYMENT_FAILED order with a card token. The row stays locked during the charge,
 * so two concurrent attempts cannot both charge. A decline is committed (PAYMENT_FAILED, with the
 * declined charge recorded) before the 402 is raised.
 */
export async function payOrder(deps: OrderDeps, actor: Actor, orderId: string, token: string): Promise<Order> {
  const outcome = await deps.store.transaction(async (tx) => {
    const order = ownOrder(await tx.lockOrder(orderId), actor);
    if (order.status !== 'PENDING' && order.status !== 'PAYMENT_FAILED') {
      throw invalidState(order, 'PAID', `The order is ${order.status} and cannot be paid`);
    }
    return chargeOrder(tx, deps.gateway, order, token);
  });
  if (outcome.declined) {
    const message = DECLINE_MESSAGES[outcome.declined] ?? 'The payment was declined';
    throw new AppError(402, 'PAYMENT_DECLINED', `${message}; the order can be paid again`, {
      details: [{ field: 'paymentMethod.token', message, reason: outcome.declined, orderStatus: outcome.order.status }],
    });
  }
  return outcome.order;
}
