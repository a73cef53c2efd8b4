import { ApiRouter, currentUser, schemas, type UserAuthenticator } from '@ecommerce/service-kit';
import type { Reviews } from '../domain/reviews';
import type { DomainMetrics } from '../metrics';
import { createReviewBody, productIdParams, reviewSchema } from './product.schemas';

const tags = ['reviews'];

export function reviewRoutes(deps: { reviews: Reviews; auth: UserAuthenticator; metrics: DomainMetrics }): ApiRouter {
  const { reviews, auth, metrics } = deps;
  const api = new ApiRouter();

  api.route({
    method: 'post',
    path: '/api/products/:id/reviews',
    summary: "Review a product (one review per user and product); updates the product's ratingAverage and ratingCount",
    tags,
    security: 'bearer',
    middleware: [auth.authenticate],
    params: productIdParams,
    body: createReviewBody,
    responses: {
      201: { description: 'The review', schema: reviewSchema },
      400: { description: 'rating is not a whole number from 1 to 5, or comment is too long' },
      401: { description: 'No valid bearer token' },
      404: { description: 'No such product' },
      409: { description: 'This user already reviewed this product (REVIEW_EXISTS)' },
    },
    handler: async (ctx, { params, body }) => {
      const user = currentUser(ctx.state);
      const review = await reviews.add({ productId: params.id, userId: user.userId, rating: body.rating, comment: body.comment });
      metrics.reviews.inc();
      ctx.status = 201;
      ctx.body = review;
    },
  });

  api.route({
    method: 'get',
    path: '/api/products/:id/reviews',
    summary: 'Reviews of a product, newest first',
    tags,
    params: productIdParams,
    query: schemas.paging,
    responses: { 200: { description: 'A page of reviews', schema: schemas.page(reviewSchema) }, 404: { description: 'No such product' } },
    handler: async (ctx, { params, query }) => {
      ctx.body = await reviews.list(params.id, query.page, query.limit);
    },
  });

  return api;
}
