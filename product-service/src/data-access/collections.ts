import type { Collection, Db, Document, IndexDescription, ObjectId } from 'mongodb';
import type { NewProduct } from '../domain/product';
import type { MovementState, RejectionReason, StockAction } from '../domain/stock';

export interface ProductDocument extends NewProduct {
  _id: ObjectId;
  /** The name as `sort=name` orders it (sortNameOf), since neither MongoDB without a collation nor FerretDB folds case or accents. */
  sortName: string;
  /** The SORT_NAME_RULE sortName was made by; older documents are brought up to date at start-up. */
  sortNameRule?: number;
  ratingCount: number;
  ratingSum: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  /** Ids of stock movements applied to this product but not yet settled (see domain/stock.ts). */
  stockMarkers: ObjectId[];
  /**
   * By movement id, the latest takeover of that movement from a holder presumed dead: only that
   * holder may apply it from then on (see StockStore.fence). Absent on most products.
   */
  stockFences?: Record<string, number>;
}

export interface ReviewDocument {
  _id: ObjectId;
  productId: ObjectId;
  userId: string;
  rating: number;
  comment: string;
  createdAt: Date;
}

export interface StockMovementDocument {
  _id: ObjectId;
  orderId: string;
  productId: ObjectId;
  action: StockAction;
  quantity: number;
  state: MovementState;
  reason?: RejectionReason;
  leaseToken: string;
  leaseExpiresAt: Date;
  createdAt: Date;
  settledAt?: Date;
}

export interface Collections {
  products: Collection<ProductDocument>;
  reviews: Collection<ReviewDocument>;
  stockMovements: Collection<StockMovementDocument>;
}

export const collections = (db: Db): Collections => ({
  products: db.collection<ProductDocument>('products'),
  reviews: db.collection<ReviewDocument>('reviews'),
  stockMovements: db.collection<StockMovementDocument>('stock_movements'),
});

/** E11000: a unique index refused the write. */
export const isDuplicateKey = (err: unknown): boolean => (err as { code?: unknown }).code === 11000;

/** One index per call: FerretDB drops the connection when a createIndexes naming several indexes meets existing ones. */
async function createEach<T extends Document>(collection: Collection<T>, specs: IndexDescription[]): Promise<void> {
  for (const spec of specs) await collection.createIndexes([spec]);
}

/** 1: lower-cased. 2: accents dropped too, so Éclair sorts beside eclair and not after Zucchini. */
export const SORT_NAME_RULE = 2;
const sortNameOf = (name: string): string => name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
/** The fields a product's name sorts by, under the current rule. */
export const sortKeyOf = (name: string): Pick<ProductDocument, 'sortName' | 'sortNameRule'> => ({ sortName: sortNameOf(name), sortNameRule: SORT_NAME_RULE });

/**
 * Brings every product's sortName up to SORT_NAME_RULE; answers how many changed. An update applies
 * only while the name is the one read, so an edit that lands meanwhile keeps the sortName it wrote.
 * Idempotent, so every replica may run it at start-up. Pages are read whole before their updates,
 * and each update is its own command: FerretDB, the tests' stand-in for MongoDB, stops answering
 * altogether when one update command carries 50 statements (its connection pool's size).
 */
export async function refreshSortNames(db: Db, pageSize = 500): Promise<number> {
  const { products } = collections(db);
  let changed = 0;
  let after: ObjectId | undefined;
  for (;;) {
    const page = await products
      .find({ sortNameRule: { $ne: SORT_NAME_RULE }, ...(after ? { _id: { $gt: after } } : {}) }, { projection: { name: 1 } })
      .sort({ _id: 1 })
      .limit(pageSize)
      .toArray();
    for (const doc of page) {
      const result = await products.updateOne({ _id: doc._id, name: doc.name }, { $set: sortKeyOf(doc.name) });
      changed += result.modifiedCount;
    }
    if (page.length < pageSize) return changed;
    after = page[page.length - 1]._id;
  }
}

/**
 * Every index the queries rely on. createIndexes is idempotent, so every replica runs this at
 * start-up; the unique ones are what make "one review per user" and "one movement per
 * (order, product, action)" hold under concurrency.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  const { products, reviews, stockMovements } = collections(db);
  await createEach(products, [
    { key: { deletedAt: 1, createdAt: -1, _id: -1 }, name: 'live_newest' },
    { key: { deletedAt: 1, price: 1, _id: 1 }, name: 'live_price' },
    { key: { deletedAt: 1, sortName: 1, _id: 1 }, name: 'live_name' },
    { key: { deletedAt: 1, category: 1, createdAt: -1 }, name: 'live_category' },
    // The start-up refresh looks for documents under an older rule: none, once it has run.
    { key: { sortNameRule: 1 }, name: 'sort_name_rule' },
  ]);
  await createEach(reviews, [
    { key: { productId: 1, userId: 1 }, name: 'one_review_per_user', unique: true },
    { key: { productId: 1, createdAt: -1, _id: -1 }, name: 'product_newest' },
  ]);
  await createEach(stockMovements, [
    { key: { orderId: 1, productId: 1, action: 1 }, name: 'once_per_order_product_action', unique: true },
  ]);
}
