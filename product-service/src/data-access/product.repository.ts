import { ObjectId, type Filter, type Sort, type UpdateFilter } from 'mongodb';
import type { ProductPage, ProductStore } from '../domain/catalog';
import type { RatingsStore } from '../domain/reviews';
import type { StockLevel, StockStore } from '../domain/stock';
import {
  ratingAverage,
  type CategoryCount,
  type NewProduct,
  type ProductChanges,
  type ProductFilter,
  type ProductRecord,
  type ProductSort,
  type RatingTotals,
} from '../domain/product';
import { sortKeyOf, type Collections, type ProductDocument } from './collections';
import { toObjectId } from './object-id';

const SORTS: Record<ProductSort, Sort> = {
  // _id breaks ties, so paging through equal prices or names neither repeats nor skips a product.
  price: { price: 1, _id: 1 },
  '-price': { price: -1, _id: -1 },
  name: { sortName: 1, _id: 1 },
  '-createdAt': { createdAt: -1, _id: -1 },
};

/** User text matched literally: every regex metacharacter escaped. */
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function toRecord(doc: ProductDocument): ProductRecord {
  return {
    id: doc._id.toHexString(),
    name: doc.name,
    description: doc.description,
    price: doc.price,
    currency: doc.currency,
    category: doc.category,
    quantity: doc.quantity,
    imageUrls: doc.imageUrls,
    ratingAverage: ratingAverage({ count: doc.ratingCount, sum: doc.ratingSum }),
    ratingCount: doc.ratingCount,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    deletedAt: doc.deletedAt ? doc.deletedAt.toISOString() : null,
  };
}

function toQuery(filter: ProductFilter): Filter<ProductDocument> {
  const query: Filter<ProductDocument> = { deletedAt: null };
  if (filter.category !== undefined) query.category = filter.category;
  if (filter.minPrice !== undefined || filter.maxPrice !== undefined) {
    query.price = {
      ...(filter.minPrice !== undefined ? { $gte: filter.minPrice } : {}),
      ...(filter.maxPrice !== undefined ? { $lte: filter.maxPrice } : {}),
    };
  }
  if (filter.inStock !== undefined) query.quantity = filter.inStock ? { $gt: 0 } : { $lte: 0 };
  if (filter.q) {
    const pattern = escapeRegex(filter.q);
    query.$or = [{ name: { $regex: pattern, $options: 'i' } }, { description: { $regex: pattern, $options: 'i' } }];
  }
  return query;
}

/** Products in MongoDB: the catalog, their rating totals and their stock. */
export class ProductRepository implements ProductStore, RatingsStore, StockStore {
  constructor(private readonly collections: Collections) {}

  private get products() {
    return this.collections.products;
  }

  async insert(input: NewProduct): Promise<ProductRecord> {
    const now = new Date();
    const doc: ProductDocument = {
      _id: new ObjectId(),
      ...input,
      ...sortKeyOf(input.name),
      ratingCount: 0,
      ratingSum: 0,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      stockMarkers: [],
    };
    await this.products.insertOne(doc);
    return toRecord(doc);
  }

  async findById(id: string): Promise<ProductRecord | null> {
    const doc = await this.products.findOne({ _id: toObjectId(id) });
    return doc && toRecord(doc);
  }

  async findByIds(ids: string[]): Promise<ProductRecord[]> {
    // One id (the usual one-line order) as an equality: the same cost on MongoDB, and the only form
    // FerretDB answers from its primary key rather than by scanning the collection.
    if (ids.length === 1) {
      const doc = await this.products.findOne({ _id: toObjectId(ids[0]) });
      return doc ? [toRecord(doc)] : [];
    }
    const docs = await this.products.find({ _id: { $in: ids.map(toObjectId) } }).toArray();
    return docs.map(toRecord);
  }

  async list(filter: ProductFilter, sort: ProductSort, page: { skip: number; limit: number }): Promise<ProductPage> {
    const query = toQuery(filter);
    const [docs, total] = await Promise.all([
      this.products.find(query).sort(SORTS[sort]).skip(page.skip).limit(page.limit).toArray(),
      this.products.countDocuments(query),
    ]);
    return { items: docs.map(toRecord), total };
  }

  async update(id: string, changes: ProductChanges): Promise<ProductRecord | null> {
    const set: UpdateFilter<ProductDocument>['$set'] = {
      ...changes,
      ...(changes.name !== undefined ? sortKeyOf(changes.name) : {}),
      updatedAt: new Date(),
    };
    const doc = await this.products.findOneAndUpdate({ _id: toObjectId(id), deletedAt: null }, { $set: set }, { returnDocument: 'after' });
    return doc && toRecord(doc);
  }

  async softDelete(id: string): Promise<boolean> {
    const now = new Date();
    const result = await this.products.updateOne({ _id: toObjectId(id), deletedAt: null }, { $set: { deletedAt: now, updatedAt: now } });
    return result.modifiedCount === 1;
  }

  async categories(): Promise<CategoryCount[]> {
    const rows = await this.products
      .aggregate<{ _id: string; count: number }>([
        { $match: { deletedAt: null } },
        { $group: { _id: '$category', count: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    return rows.map((row) => ({ name: row._id, count: row.count }));
  }

  async isLive(id: string): Promise<boolean> {
    return (await this.findById(id))?.deletedAt === null;
  }

  async ratingTotals(id: string): Promise<RatingTotals | null> {
    const doc = await this.products.findOne({ _id: toObjectId(id) }, { projection: { ratingCount: 1, ratingSum: 1 } });
    return doc && { count: doc.ratingCount, sum: doc.ratingSum };
  }

  async raiseRatingTotals(id: string, totals: RatingTotals): Promise<void> {
    await this.products.updateOne(
      { _id: toObjectId(id), ratingCount: { $lt: totals.count } },
      // The product as clients see it changed (its rating), so its updatedAt moves too.
      { $set: { ratingCount: totals.count, ratingSum: totals.sum, updatedAt: new Date() } },
    );
  }

  async exists(productId: string): Promise<boolean> {
    return (await this.findById(productId)) !== null;
  }

  async stockLevel(productId: string, movementId?: string): Promise<StockLevel | null> {
    const doc = await this.products.findOne({ _id: toObjectId(productId) }, { projection: { quantity: 1, deletedAt: 1, stockMarkers: 1 } });
    if (!doc) return null;
    const marked = movementId !== undefined && (doc.stockMarkers ?? []).some((marker) => marker.toHexString() === movementId);
    return { quantity: doc.quantity, deleted: doc.deletedAt !== null, marked };
  }

  async applyMovement(productId: string, movementId: string, delta: number, holder?: number): Promise<number | null> {
    const record = await this.applyMovementReturningProduct(productId, movementId, delta, holder);
    return record ? record.quantity : null;
  }

  /** applyMovement, answering with the whole product as the movement left it (null: nothing moved). */
  protected async applyMovementReturningProduct(productId: string, movementId: string, delta: number, holder?: number): Promise<ProductRecord | null> {
    const marker = toObjectId(movementId);
    const filter: Filter<ProductDocument> = {
      _id: toObjectId(productId),
      stockMarkers: { $ne: marker },
      [`stockFences.${marker.toHexString()}`]: holder ?? { $exists: false },
    };
    // A take needs a live product with enough stock; MongoDB applies filter and update as one atomic step.
    if (delta < 0) Object.assign(filter, { deletedAt: null, quantity: { $gte: -delta } });
    const doc = await this.products.findOneAndUpdate(
      filter,
      { $inc: { quantity: delta }, $push: { stockMarkers: marker }, $set: { updatedAt: new Date() } },
      // No projection: FerretDB does not implement one on findAndModify.
      { returnDocument: 'after' },
    );
    return doc && toRecord(doc);
  }

  async fence(productId: string, movementId: string, holder: number): Promise<boolean> {
    const field = `stockFences.${toObjectId(movementId).toHexString()}`;
    const { matchedCount } = await this.products.updateOne(
      { _id: toObjectId(productId), $or: [{ [field]: { $exists: false } }, { [field]: { $lt: holder } }] },
      { $set: { [field]: holder } },
    );
    return matchedCount === 1;
  }

  async clearMarker(productId: string, movementId: string): Promise<void> {
    await this.products.updateOne({ _id: toObjectId(productId) }, { $pull: { stockMarkers: toObjectId(movementId) } });
  }
}
