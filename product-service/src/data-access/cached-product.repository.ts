import { LRUCache } from 'lru-cache';
import { ReadThroughCache, type ReadThroughCacheOptions } from '@ecommerce/service-kit';
import type { CategoryCount, NewProduct, ProductChanges, ProductFilter, ProductRecord, ProductSort, RatingTotals } from '../domain/product';
import type { ProductPage } from '../domain/catalog';
import { ProductRepository } from './product.repository';
import type { Collections } from './collections';

export interface ProductCacheOptions extends ReadThroughCacheOptions {
  /** Listing pages (one per distinct filter, sort and page) kept at most. */
  maxListings: number;
  /**
   * Bound on the approximate memory of the products kept, and separately of the listing pages: a
   * product may hold ~45 KB of text (description and 20 image URLs), so a count alone bounds nothing.
   */
  maxBytes: number;
}

/** Roughly what a record holds in memory: its strings at two bytes a character, and the rest. */
const approxBytes = (record: ProductRecord): number =>
  400 + 2 * (record.name.length + record.description.length + record.category.length + record.imageUrls.reduce((sum, url) => sum + url.length, 0));

/** One key per listing request, whatever order its filter's fields came in. */
const listingKey = (filter: ProductFilter, sort: ProductSort, page: { skip: number; limit: number }): string =>
  JSON.stringify([Object.entries(filter).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)), sort, page.skip, page.limit]);

const CATEGORIES_KEY = 'categories';

const keepAsWritten = (record: ProductRecord | null): ProductRecord | null => record;
const keepNothing = (): null => null;

/**
 * Product pages and listings are read far more often than products change, so GET
 * /api/products/:id, listings and the category counts are served from short-lived in-process
 * caches, and so is order pricing (GET /internal/products). Every write this replica makes drops
 * every listing at once (any write can move a product onto or off a page, or change a count); the
 * product's own entry is replaced by the product as an edit or stock move wrote it, and dropped by a
 * deletion or rating. Writes on other replicas show within ttlMs. Stock decisions never read from
 * the caches: commits and releases go to MongoDB every time.
 */
export class CachedProductRepository extends ProductRepository {
  private readonly cache: ReadThroughCache<ProductRecord>;
  private readonly listings: ReadThroughCache<ProductPage>;
  private readonly categoryCounts: ReadThroughCache<CategoryCount[]>;
  /** Ids known to exist. Products are only ever soft-deleted, so this never goes stale and needs no TTL. */
  private readonly known: LRUCache<string, true>;

  constructor(collections: Collections, options: ProductCacheOptions) {
    super(collections);
    this.cache = new ReadThroughCache({ ttlMs: options.ttlMs, maxEntries: options.maxEntries, maxBytes: options.maxBytes, sizeOf: approxBytes });
    this.listings = new ReadThroughCache({
      ttlMs: options.ttlMs,
      maxEntries: options.maxListings,
      maxBytes: options.maxBytes,
      sizeOf: (page: ProductPage) => page.items.reduce((sum, record) => sum + approxBytes(record), 100),
    });
    this.categoryCounts = new ReadThroughCache({ ttlMs: options.ttlMs, maxEntries: 1 });
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

  // Pricing an order reads what the product page shows: exact for this replica's own writes, at most
  // ttlMs behind another replica's. It only snapshots name and price and turns away what is plainly
  // short or deleted; the stock commit, which never reads a cache, has the last word.
  override async findByIds(ids: string[]): Promise<ProductRecord[]> {
    const records = await Promise.all(ids.map((id) => this.findById(id)));
    return records.filter((record): record is ProductRecord => record !== null);
  }

  // Records are frozen as they are kept: every request that reads the page shares them.
  override list(filter: ProductFilter, sort: ProductSort, page: { skip: number; limit: number }): Promise<ProductPage> {
    return this.listings.read(listingKey(filter, sort, page), () =>
      super.list(filter, sort, page).then(({ items, total }) => ({ items: Object.freeze(items.map((item) => Object.freeze(item))), total })),
    );
  }

  override categories(): Promise<CategoryCount[]> {
    return this.categoryCounts.read(CATEGORIES_KEY, () => super.categories());
  }

  override async insert(input: NewProduct): Promise<ProductRecord> {
    return super.insert(input).finally(() => this.forgetListings());
  }

  // An edit or a stock move hands back the product as written: it is kept, so the next page view or
  // order pricing need not read it again. A deletion or rating keeps nothing.
  override async update(id: string, changes: ProductChanges): Promise<ProductRecord | null> {
    return this.writeProduct(id, () => super.update(id, changes), keepAsWritten);
  }

  override async softDelete(id: string): Promise<boolean> {
    return this.writeProduct(id, () => super.softDelete(id), keepNothing);
  }

  override async raiseRatingTotals(id: string, totals: RatingTotals): Promise<void> {
    return this.writeProduct(id, () => super.raiseRatingTotals(id, totals), keepNothing);
  }

  protected override applyMovementReturningProduct(productId: string, movementId: string, delta: number, holder?: number): Promise<ProductRecord | null> {
    return this.writeProduct(productId, () => super.applyMovementReturningProduct(productId, movementId, delta, holder), keepAsWritten);
  }

  // Every write of a product goes through the cache's `write`, even one that keeps nothing: a
  // written record is kept only when no other write of the product overlapped it.
  private writeProduct<R>(id: string, run: () => Promise<R>, keep: (result: R) => ProductRecord | null): Promise<R> {
    return this.cache.write(id.toLowerCase(), run, keep).finally(() => this.forgetListings());
  }

  private forgetListings(): void {
    this.listings.clear();
    this.categoryCounts.clear();
  }
}
