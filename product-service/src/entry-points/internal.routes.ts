import { AppError, ApiRouter } from '@ecommerce/service-kit';
import type { Catalog } from '../domain/catalog';
import type { Stock, StockOutcome } from '../domain/stock';
import type { DomainMetrics } from '../metrics';
import { internalProductsQuery, stockChangeBody, stockChangeParams } from './product.schemas';

const tags = ['internal'];

const REJECTIONS: Record<NonNullable<StockOutcome['reason']>, string> = {
  INSUFFICIENT: 'Not enough stock',
  DELETED: 'The product is no longer sold',
  RELEASED: "This order's stock of the product was already released",
};

/** Routes on the internal port, for other services only (behind X-Internal-Token). */
export function internalRoutes(deps: { catalog: Catalog; stock: Stock; metrics: DomainMetrics }): ApiRouter {
  const { catalog, stock, metrics } = deps;
  const api = new ApiRouter();

  api.route({
    method: 'get',
    path: '/internal/products',
    summary: 'Products by id for pricing an order; deleted ones included and marked',
    tags,
    security: 'internal',
    query: internalProductsQuery,
    responses: { 200: { description: '{items}: the products found, each with deleted: boolean' } },
    handler: async (ctx, { query }) => {
      const records = await catalog.getManyIncludingDeleted(query.ids);
      ctx.body = { items: records.map(({ deletedAt, ...product }) => ({ ...product, deleted: deletedAt !== null })) };
    },
  });

  api.route({
    method: 'post',
    path: '/internal/product/:productId/quantity',
    summary: "Commit stock for an order or release what that order committed; once per (orderId, productId, action)",
    tags,
    security: 'internal',
    params: stockChangeParams,
    body: stockChangeBody,
    responses: {
      200: { description: '{productId, quantity}: the stock left' },
      404: { description: 'No such product' },
      409: { description: 'INSUFFICIENT_STOCK (nothing changed), or IDEMPOTENCY_CONFLICT for a repeat with another quantity' },
    },
    handler: async (ctx, { params, body }) => {
      const outcome = await stock.change({ productId: params.productId, orderId: body.orderId, action: body.action, quantity: body.quantity });
      metrics.stockMovements.inc({ action: outcome.action, result: outcome.repeated ? 'repeated' : outcome.result });
      if (outcome.result === 'rejected') {
        const message = REJECTIONS[outcome.reason ?? 'INSUFFICIENT'];
        throw new AppError(409, 'INSUFFICIENT_STOCK', message, {
          details: [{ field: 'quantity', message, available: outcome.quantity, reason: outcome.reason ?? 'INSUFFICIENT' }],
        });
      }
      ctx.body = { productId: outcome.productId, quantity: outcome.quantity };
    },
  });

  return api;
}
