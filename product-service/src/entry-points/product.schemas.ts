import { z } from 'zod';
import { schemas } from '@ecommerce/service-kit';
import { PRODUCT_SORTS, distinctProductIds, isProductId } from '../domain/product';

/**
 * A product id in a path: any string, since a malformed id is a 404 (decided by the domain), never a
 * 400 or a query operator. A malformed one goes on as '' (still malformed): its text is not needed
 * for that answer, and text no database can take (U+0000) must not turn it into validation's 400.
 */
const productIdParam = z.string().transform((id) => (isProductId(id) ? id : ''));

export const productIdParams = z.object({ id: productIdParam });

/**
 * `a,b,c`: at most 100 distinct product ids, a repeated one counted once; a malformed one is a 400
 * naming its position as sent.
 */
export const productIdList = z
  .string()
  .transform((value) => value.split(',').map((id) => id.trim()).filter(Boolean))
  .pipe(z.array(z.string().refine(isProductId, 'must be a product id (24 hexadecimal characters)')).min(1, 'name at least one product id'))
  .transform(distinctProductIds)
  .pipe(z.array(z.string()).max(100, 'at most 100 distinct ids'));

const imageUrl = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048, 'must be at most 2048 characters');

const productFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(5000),
  price: schemas.minorUnits,
  currency: schemas.currency,
  category: z.string().trim().min(1).max(100),
  quantity: z.number().int().min(0).max(1_000_000_000),
  imageUrls: z.array(imageUrl).max(20),
};

export const createProductBody = z.object({
  ...productFields,
  description: productFields.description.default(''),
  quantity: productFields.quantity.default(0),
  imageUrls: productFields.imageUrls.default([]),
});

export const updateProductBody = z.object(productFields).partial();

/** Non-negative whole minor units written as digits (z.coerce would read `?minPrice=` as 0). */
const minorUnitsParam = z.string().regex(/^\d{1,15}$/, 'must be a whole number of minor units').transform(Number);

export const listProductsQuery = schemas.paging
  .extend({
    q: z.string().trim().max(200).optional(),
    category: z.string().trim().min(1).max(100).optional(),
    minPrice: minorUnitsParam.optional(),
    maxPrice: minorUnitsParam.optional(),
    inStock: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
    sort: z.enum(PRODUCT_SORTS).default('-createdAt'),
    ids: productIdList.optional(),
  })
  .superRefine((query, ctx) => {
    if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
      ctx.addIssue({ code: 'custom', path: ['maxPrice'], message: 'must not be below minPrice' });
    }
  });

export const productSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  price: z.number().int(),
  currency: z.string(),
  category: z.string(),
  quantity: z.number().int(),
  imageUrls: z.array(z.string()),
  ratingAverage: z.number(),
  ratingCount: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const categoriesSchema = z.object({ items: z.array(z.object({ name: z.string(), count: z.number().int() })) });

export const createReviewBody = z.object({
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().max(2000).default(''),
});

export const reviewSchema = z.object({
  id: z.string(),
  productId: z.string(),
  userId: z.string(),
  rating: z.number().int(),
  comment: z.string(),
  createdAt: z.iso.datetime(),
});

export const internalProductsQuery = z.object({ ids: productIdList });

export const stockChangeParams = z.object({ productId: productIdParam });

export const stockChangeBody = z
  .object({
    orderId: schemas.uuid,
    action: z.enum(['commit', 'release']),
    /** Required for commit; a release gives back what the order's commit took, whatever is sent. */
    quantity: z.number().int().min(1).max(1_000_000_000).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.action === 'commit' && body.quantity === undefined) ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'is required to commit' });
  });
