import { ApiRouter } from '@ecommerce/service-kit';
import { toOrderResource } from '../../domain/order-resource';
import type { OrderDeps } from '../../domain/ports';
import { settlePaidOrder } from '../../domain/change-order-status';
import { internalStatusBody, orderIdParams, orderResponse } from './order.schemas';

/** The internal port's order API, for integration-service (behind X-Internal-Token). */
export function internalOrderRoutes(deps: OrderDeps): ApiRouter {
  return new ApiRouter().route({
    method: 'patch',
    path: '/internal/orders/:id/status',
    summary: 'CONFIRMED or REFUNDED (payment refunded right after, or by the sweeper while the gateway is away) from PAID; the current status again is a no-op',
    security: 'internal',
    params: orderIdParams,
    body: internalStatusBody,
    responses: {
      200: { description: 'The order; a repeat of its current status changes nothing and says so with Idempotent-Replayed: true', schema: orderResponse },
      400: { description: 'Invalid request' },
      401: { description: 'Missing or wrong internal token' },
      404: { description: 'No such order' },
      409: { description: 'Not PAID (INVALID_STATE)' },
    },
    handler: async (ctx, { params, body }) => {
      const { order, replayed } = await settlePaidOrder(deps, params.id, body.status, body.reason ?? null);
      // As for a replayed create: the answer is the order as it is, and this request changed nothing.
      if (replayed) ctx.set('Idempotent-Replayed', 'true');
      ctx.body = toOrderResource(order);
    },
  });
}
