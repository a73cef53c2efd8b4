import { derivedOncePerFrozen } from '@ecommerce/service-kit';
/** What an admin decides about a product. Money in minor units plus an ISO 4217 currency. */
export interface NewProduct {
  name: string;
  description: string;
  price: number;
  currency: string;
  category: string;
  quantity: number;
  imageUrls: string[];
}

/** What the catalog says about one product, as clients see it. Times are ISO 8601 UTC. */
export interface Product extends NewProduct {
  id: string;
  ratingAverage: number;
  ratingCount: number;
  createdAt: string;
  updatedAt: string;
}

/** A product as stored: soft-deleted ones keep existing so orders and services can still resolve them. */
export interface ProductRecord extends Product {
  deletedAt: string | null;
}

export type ProductChanges = Partial<NewProduct>;

export const PRODUCT_SORTS = ['price', '-price', 'name', '-createdAt'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export interface ProductFilter {
  category?: string;
  minPrice?: number;
  maxPrice?: number;
  /** true: only quantity > 0; false: only sold out. */
  inStock?: boolean;
  /** Case-insensitive substring of name or description, taken literally. */
  q?: string;
}

export interface CategoryCount {
  name: string;
  count: number;
}

/** Rating totals kept on the product; the average is derived, so it can never disagree with them. */
export interface RatingTotals {
  count: number;
  sum: number;
}

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** Product ids are MongoDB ObjectId hex strings; anything else names no product (404, never a query). */
export const isProductId = (id: string): boolean => OBJECT_ID.test(id);

/** The product ids among `ids`, each once, in the order first named (hex is case-insensitive). */
export const distinctProductIds = (ids: string[]): string[] => [...new Set(ids.filter(isProductId).map((id) => id.toLowerCase()))];

/** Two decimals; 0 while nobody has rated the product (ratingCount says so). */
export const ratingAverage = ({ count, sum }: RatingTotals): number => (count > 0 ? Math.round((sum / count) * 100) / 100 : 0);

/**
 * The product as the API shows it. A record the read cache shares (frozen) gets one shared view,
 * so the API can also serialise it once.
 */
export const withoutDeletion = derivedOncePerFrozen((record: ProductRecord): Product => {
  const { deletedAt, ...product } = record;
  return product;
});
