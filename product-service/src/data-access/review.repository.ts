import { ObjectId } from 'mongodb';
import type { NewReview, Review, ReviewStore } from '../domain/reviews';
import type { RatingTotals } from '../domain/product';
import { isDuplicateKey, type Collections, type ReviewDocument } from './collections';
import { toObjectId } from './object-id';

const toReview = (doc: ReviewDocument): Review => ({
  id: doc._id.toHexString(),
  productId: doc.productId.toHexString(),
  userId: doc.userId,
  rating: doc.rating,
  comment: doc.comment,
  createdAt: doc.createdAt.toISOString(),
});

export class ReviewRepository implements ReviewStore {
  constructor(private readonly collections: Collections) {}

  async insert(review: NewReview): Promise<Review | null> {
    const doc: ReviewDocument = { _id: new ObjectId(), ...review, productId: toObjectId(review.productId), createdAt: new Date() };
    try {
      await this.collections.reviews.insertOne(doc);
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
    return toReview(doc);
  }

  async list(productId: string, page: { skip: number; limit: number }) {
    const query = { productId: toObjectId(productId) };
    const [docs, total] = await Promise.all([
      this.collections.reviews.find(query).sort({ createdAt: -1, _id: -1 }).skip(page.skip).limit(page.limit).toArray(),
      this.collections.reviews.countDocuments(query),
    ]);
    return { items: docs.map(toReview), total };
  }

  async totals(productId: string): Promise<RatingTotals> {
    // One row per rating value (at most five), one accumulator: FerretDB computes only the first
    // accumulator of a $group correctly, and this shape is as cheap on MongoDB.
    const rows = await this.collections.reviews
      .aggregate<{ _id: number; count: number }>([
        { $match: { productId: toObjectId(productId) } },
        { $group: { _id: '$rating', count: { $sum: 1 } } },
      ])
      .toArray();
    return rows.reduce((totals, row) => ({ count: totals.count + row.count, sum: totals.sum + row._id * row.count }), { count: 0, sum: 0 });
  }
}
