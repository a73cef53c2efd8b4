import { conflict, notFound, type Page } from '@ecommerce/service-kit';
import { isProductId, type RatingTotals } from './product';

export interface Review {
  id: string;
  productId: string;
  userId: string;
  rating: number;
  comment: string;
  createdAt: string;
}

export interface NewReview {
  productId: string;
  userId: string;
  rating: number;
  comment: string;
}

export interface ReviewStore {
  /** null when this user already reviewed this product (a unique index decides, so races cannot slip through). */
  insert(review: NewReview): Promise<Review | null>;
  list(productId: string, page: { skip: number; limit: number }): Promise<{ items: Review[]; total: number }>;
  totals(productId: string): Promise<RatingTotals>;
}

export interface RatingsStore {
  /** Whether a live (not deleted) product has this id; may be served from a cache. */
  isLive(id: string): Promise<boolean>;
  ratingTotals(id: string): Promise<RatingTotals | null>;
  /** Stores totals only if they count more reviews than the stored ones, so a stale writer never wins. */
  raiseRatingTotals(id: string, totals: RatingTotals): Promise<void>;
}

/** A handful of passes is plenty: each one can only be undone by a writer that then does its own pass. */
const MAX_REFRESH_PASSES = 10;

export class Reviews {
  constructor(
    private readonly reviews: ReviewStore,
    private readonly products: RatingsStore,
  ) {}

  async add(input: NewReview): Promise<Review> {
    await this.requireLiveProduct(input.productId);
    const review = await this.reviews.insert(input);
    // A repeat still refreshes: it may be the retry of an add that stored the review and then failed.
    await this.refreshRatings(input.productId);
    if (!review) throw conflict('REVIEW_EXISTS', 'You have already reviewed this product');
    return review;
  }

  async list(productId: string, page: number, limit: number): Promise<Page<Review>> {
    await this.requireLiveProduct(productId);
    const result = await this.reviews.list(productId, { skip: (page - 1) * limit, limit });
    return { items: result.items, page, limit, total: result.total };
  }

  /**
   * The product's ratingCount/ratingSum are recomputed from the reviews (the source of truth) rather
   * than incremented: reviews are only ever added, so "more reviews counted" means "newer", and the
   * guarded write keeps the newest. The verify pass also heals a product left behind by a crash
   * between the insert and this refresh, and converges on servers that apply updates non-atomically.
   */
  private async refreshRatings(productId: string): Promise<void> {
    for (let pass = 0; pass < MAX_REFRESH_PASSES; pass++) {
      const totals = await this.reviews.totals(productId);
      const stored = await this.products.ratingTotals(productId);
      if (!stored || stored.count >= totals.count) return;
      await this.products.raiseRatingTotals(productId, totals);
    }
  }

  private async requireLiveProduct(productId: string): Promise<void> {
    if (!isProductId(productId) || !(await this.products.isLive(productId))) throw notFound('No product with this id');
  }
}
