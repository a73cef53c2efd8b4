import { ApiRouter, requireRole, schemas, sharedJsonResponder, type UserAuthenticator } from '@ecommerce/service-kit';
import type { Catalog } from '../domain/catalog';
import type { DomainMetrics } from '../metrics';
import {
  categoriesSchema,
  createProductBody,
  listProductsQuery,
  productIdParams,
  productSchema,
  updateProductBody,
} from './product.schemas';

const tags = ['products'];
const unauthenticated = { 401: { description: 'No valid bearer token' } };
const adminOnly = { ...unauthenticated, 403: { description: 'Not an admin' } };
const invalid = { 400: { description: 'A field is invalid (VALIDATION_FAILED, details name each field)' } };
const missing = { 404: { description: 'No such product, or a malformed id (NOT_FOUND)' } };

export function productRoutes(deps: { catalog: Catalog; auth: UserAuthenticator; metrics: DomainMetrics }): ApiRouter {
  const { catalog, auth, metrics } = deps;
  const admin = [auth.authenticate, requireRole('admin')];
  const api = new ApiRouter();
  const respondShared = sharedJsonResponder();

  // Declared before /:id so the literal path is never read as an id.
  api.route({
    method: 'get',
    path: '/api/products/categories',
    summary: 'Categories of the live catalog with how many products each holds',
    tags,
    responses: { 200: { description: 'Categories, by name', schema: categoriesSchema } },
    handler: async (ctx) => {
      ctx.body = { items: await catalog.categories() };
    },
  });

  api.route({
    method: 'get',
    path: '/api/products',
    summary: 'Search and page through products, or look several up at once with ids=a,b,c (at most 100; in the order given, paging ignored)',
    tags,
    query: listProductsQuery,
    responses: { 200: { description: 'A page of products', schema: schemas.page(productSchema) }, ...invalid },
    handler: async (ctx, { query }) => {
      if (query.ids) {
        const items = await catalog.getMany(query.ids);
        ctx.body = { items, page: 1, limit: query.ids.length, total: items.length };
        return;
      }
      const { page, limit, sort, ...filter } = query;
      ctx.body = await catalog.list(filter, sort, page, limit);
    },
  });

  api.route({
    method: 'get',
    path: '/api/products/:id',
    summary: 'One product',
    tags,
    params: productIdParams,
    responses: { 200: { description: 'The product', schema: productSchema }, ...missing },
    handler: (ctx, { params }) => catalog.get(params.id).then((product) => respondShared(ctx, product)),
  });

  api.route({
    method: 'post',
    path: '/api/products',
    summary: 'Add a product (admin)',
    tags,
    security: 'bearer',
    middleware: admin,
    body: createProductBody,
    responses: { 201: { description: 'The new product', schema: productSchema }, ...invalid, ...adminOnly },
    handler: async (ctx, { body }) => {
      const product = await catalog.create(body);
      metrics.catalogChanges.inc({ change: 'created' });
      ctx.status = 201;
      ctx.set('Location', `/api/products/${product.id}`);
      ctx.body = product;
    },
  });

  api.route({
    method: 'patch',
    path: '/api/products/:id',
    summary: 'Change some fields of a product (admin); quantity sets the stock',
    tags,
    security: 'bearer',
    middleware: admin,
    params: productIdParams,
    body: updateProductBody,
    responses: { 200: { description: 'The changed product', schema: productSchema }, ...invalid, ...adminOnly, ...missing },
    handler: async (ctx, { params, body }) => {
      ctx.body = await catalog.update(params.id, body);
      metrics.catalogChanges.inc({ change: 'updated' });
    },
  });

  api.route({
    method: 'delete',
    path: '/api/products/:id',
    summary: 'Delete a product (admin): it leaves listings; orders keep their snapshot and services can still resolve it',
    tags,
    security: 'bearer',
    middleware: admin,
    params: productIdParams,
    responses: { 204: { description: 'Deleted' }, ...adminOnly, ...missing },
    handler: async (ctx, { params }) => {
      await catalog.remove(params.id);
      metrics.catalogChanges.inc({ change: 'deleted' });
      ctx.status = 204;
    },
  });

  return api;
}
