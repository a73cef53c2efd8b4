import { LRUCache } from 'lru-cache';
import { ReadThroughCache, type ReadThroughCacheOptions } from '@ecommerce/service-kit';
import type { ProductChanges, ProductRecord, RatingTotals } from '../domain/product';
import { ProductRepository } from './product.repository';
import type { Collections } from './collections';

/**
 * Product pages are read far more often than products change, so GET /api/products/:id is served
 * from a short-lived in-process cache. Every write this replica makes (edits, deletes, ratings,
 * stock moves) drops the entry at once; writes on other replicas show within ttlMs. Stock
 * decisions never read from it: commits and releases go to MongoDB every time.
 */
export class CachedProductRepository extends ProductRepository {
  private readonly cache: ReadThroughCache<ProductRecord>;
  /** Ids known to exist. Products are only ever soft-deleted, so this never goes stale and needs no TTL. */
  private readonly known: LRUCache<string, true>;

  constructor(collections: Collections, options: ReadThroughCacheOptions) {
    super(collections);
    this.cache = new ReadThroughCache(options);
    this.known = new LRUCache({ max: options.maxEntries * 10 });
  }

  // Every stock change asks this first, and every stock change drops the product's cached record.
  override async exists(productId: string): Promise<boolean> {
    const key = productId.toLowerCase();
    if (this.known.has(key)) return true;
    const found = await super.exists(productId);
    if (found) this.known.set(key, true);
    return found;
  }

  // Absent products are not cached, so a product created on another replica shows at once.
  override findById(id: string): Promise<ProductRecord | null> {
    return this.cache.read(id.toLowerCase(), () => super.findById(id));
  }

  override async update(id: string, changes: ProductChanges): Promise<ProductRecord | null> {
    return super.update(id, changes).finally(() => this.forget(id));
  }

  override async softDelete(id: string): Promise<boolean> {
    return super.softDelete(id).finally(() => this.forget(id));
  }

  override async raiseRatingTotals(id: string, totals: RatingTotals): Promise<void> {
    return super.raiseRatingTotals(id, totals).finally(() => this.forget(id));
  }

  override async applyMovement(productId: string, movementId: string, delta: number): Promise<number | null> {
    return super.applyMovement(productId, movementId, delta).finally(() => this.forget(productId));
  }

  private forget(id: string): void {
    this.cache.forget(id.toLowerCase());
  }
}
