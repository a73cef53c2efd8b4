import type { Context } from 'koa';
import { ApiRouter, currentUser, requireRole, sharedJsonResponder, type UserAuthenticator } from '@ecommerce/service-kit';
import type { Actor } from '../../domain/order';
import { toOrderResource } from '../../domain/order-resource';
import type { OrderDeps } from '../../domain/ports';
import { createOrder } from '../../domain/create-order';
import { getOrder, listOrders } from '../../domain/order-queries';
import { payOrder } from '../../domain/pay-order';
import { cancelOrder } from '../../domain/cancel-order';
import { fulfilOrder } from '../../domain/change-order-status';
import {
  adminStatusBody,
  createOrderBody,
  createOrderHeaders,
  listOrdersQuery,
  orderIdParams,
  orderPageResponse,
  orderResponse,
  payOrderBody,
} from './order.schemas';

const actorOf = (ctx: Context): Actor => currentUser(ctx.state);

const failure = (description: string) => ({ description });
const common = { 400: failure('Invalid request (VALIDATION_FAILED)'), 401: failure('Missing or invalid access token (UNAUTHENTICATED)') };

/** The public order API (DESIGN.md § order-service). */
export function orderRoutes(deps: OrderDeps, auth: UserAuthenticator): ApiRouter {
  const api = new ApiRouter();
  const respondShared = sharedJsonResponder();
  const user = [auth.authenticate];
  const admin = [auth.authenticate, requireRole('admin')];
  const tags = ['orders'];

  api.route({
    method: 'post',
    path: '/api/orders',
    summary: 'Place an order; prices are taken from the catalogue, never from the request',
    tags,
    security: 'bearer',
    headers: createOrderHeaders,
    body: createOrderBody,
    middleware: user,
    responses: {
      201: { description: 'The order, PENDING (or the first order made with this Idempotency-Key)', schema: orderResponse },
      ...common,
      409: failure('Not enough stock (INSUFFICIENT_STOCK)'),
      422: failure(
        'Unknown or deleted product (UNKNOWN_PRODUCT), mixed currencies (CURRENCY_MISMATCH), key reused with another body (IDEMPOTENCY_KEY_REUSED), a total beyond 2^53 - 1 minor units (ORDER_TOO_LARGE)',
      ),
      503: failure('The product catalogue is unavailable (SERVICE_UNAVAILABLE)'),
    },
    handler: async (ctx, { headers, body }) => {
      const { order, replayed } = await createOrder(deps, actorOf(ctx), body, headers['Idempotency-Key']);
      ctx.status = 201;
      ctx.set('Location', `/api/orders/${order.id}`);
      if (replayed) ctx.set('Idempotent-Replayed', 'true');
      ctx.body = order;
    },
  });

  api.route({
    method: 'get',
    path: '/api/orders',
    summary: "List orders, newest first: customers see their own, admins everyone's",
    tags,
    security: 'bearer',
    query: listOrdersQuery,
    middleware: user,
    responses: { 200: { description: 'A page of orders', schema: orderPageResponse }, ...common, 403: failure("A customer asked for another user's orders") },
    handler: async (ctx, { query }) => {
      const page = await listOrders(deps.store, actorOf(ctx), query);
      ctx.body = { ...page, items: page.items.map(toOrderResource) };
    },
  });

  api.route({
    method: 'get',
    path: '/api/orders/:id',
    summary: 'One order with its history (owner or admin)',
    tags,
    security: 'bearer',
    params: orderIdParams,
    middleware: user,
    responses: { 200: { description: 'The order', schema: orderResponse }, ...common, 404: failure('No such order, or not yours') },
    handler: (ctx, { params }) => getOrder(deps.store, actorOf(ctx), params.id).then((order) => respondShared(ctx, toOrderResource(order))),
  });

  api.route({
    method: 'post',
    path: '/api/orders/:id/pay',
    summary: 'Pay a PENDING or PAYMENT_FAILED order by card (owner)',
    tags,
    security: 'bearer',
    params: orderIdParams,
    body: payOrderBody,
    middleware: user,
    responses: {
      200: { description: 'The order, PAID', schema: orderResponse },
      ...common,
      402: failure('The card was declined (PAYMENT_DECLINED); the order is PAYMENT_FAILED and can be paid again'),
      403: failure('An admin, who can see the order but not pay for it (FORBIDDEN): only the owner pays'),
      404: failure('No such order, or another customer’s'),
      409: failure('The order cannot be paid in its status (INVALID_STATE)'),
      503: failure('The payment provider is unavailable (PAYMENT_GATEWAY_UNAVAILABLE)'),
    },
    handler: async (ctx, { params, body }) => {
      ctx.body = toOrderResource(await payOrder(deps, actorOf(ctx), params.id, body.paymentMethod.token));
    },
  });

  api.route({
    method: 'post',
    path: '/api/orders/:id/cancel',
    summary: 'Cancel an unpaid or CONFIRMED order (owner or admin); a CONFIRMED one is refunded (right after, or by the sweeper while the gateway is away) and its stock released',
    tags,
    security: 'bearer',
    params: orderIdParams,
    middleware: user,
    responses: {
      200: { description: 'The order, CANCELLED', schema: orderResponse },
      ...common,
      404: failure('No such order, or not yours'),
      409: failure('The order cannot be cancelled in its status (INVALID_STATE), or an unpaid one turned out to be paid (it is PAID now)'),
      503: failure('The payment provider cannot say whether an unpaid order was charged after all (PAYMENT_GATEWAY_UNAVAILABLE)'),
    },
    handler: async (ctx, { params }) => {
      ctx.body = toOrderResource(await cancelOrder(deps, actorOf(ctx), params.id));
    },
  });

  api.route({
    method: 'patch',
    path: '/api/orders/:id/status',
    summary: 'Fulfilment (admin): SHIPPED from CONFIRMED, DELIVERED from SHIPPED',
    tags,
    security: 'bearer',
    params: orderIdParams,
    body: adminStatusBody,
    middleware: admin,
    responses: {
      200: { description: 'The order in its new status', schema: orderResponse },
      ...common,
      403: failure('Not an admin (FORBIDDEN)'),
      404: failure('No such order'),
      409: failure('Not a move admins make from the current status (INVALID_STATE)'),
    },
    handler: async (ctx, { params, body }) => {
      ctx.body = toOrderResource(await fulfilOrder(deps.store, params.id, body.status));
    },
  });

  return api;
}
