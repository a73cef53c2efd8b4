import { forbidden, type Page } from '@ecommerce/service-kit';
import { visibleOrder, type Actor, type Order } from './order';
import type { OrderListQuery, OrderStore } from './ports';

export function getOrder(store: OrderStore, actor: Actor, orderId: string): Promise<Order> {
  return store.findById(orderId).then((order) => visibleOrder(order, actor));
}

/** Customers list their own orders; admins list everyone's, optionally one user's. Newest first. */
export async function listOrders(store: OrderStore, actor: Actor, query: OrderListQuery): Promise<Page<Order>> {
  if (actor.role !== 'admin') {
    if (query.userId && query.userId !== actor.userId) throw forbidden("Only admins may list other users' orders");
    return store.list({ ...query, userId: actor.userId });
  }
  return store.list(query);
}
