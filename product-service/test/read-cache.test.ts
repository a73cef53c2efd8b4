import { randomBytes } from 'node:crypto';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { testMongoUrl } from '@ecommerce/service-kit/testing';
import { CachedProductRepository } from '../src/data-access/cached-product.repository';
import { collections, ensureIndexes } from '../src/data-access/collections';
import { newProduct } from './harness';

// The read cache behind GET /api/products/:id, against the real test MongoDB server.
describe('the product read cache', () => {
  let client: MongoClient;
  let db: Db;
  beforeAll(async () => {
    client = await MongoClient.connect(testMongoUrl());
    db = client.db(`products_cache_test_${randomBytes(5).toString('hex')}`);
    await ensureIndexes(db);
  });
  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
  });

  const repository = (ttlMs = 60_000) => new CachedProductRepository(collections(db), { ttlMs, maxEntries: 100 });
  /** A write made elsewhere (another replica), which this replica's cache cannot see. */
  const changeBehindItsBack = (id: string, quantity: number) =>
    db.collection('products').updateOne({ _id: new ObjectId(id) }, { $set: { quantity } });

  it('serves repeated reads from memory until the entry expires', async () => {
    const cached = repository(300);
    const { id } = await cached.insert(newProduct({ quantity: 5 }));
    expect((await cached.findById(id))?.quantity).toBe(5);
    await changeBehindItsBack(id, 7);
    expect((await cached.findById(id))?.quantity).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await cached.findById(id))?.quantity).toBe(7);
  });

  it('forgets a product as soon as this replica moves its stock', async () => {
    const cached = repository();
    const { id } = await cached.insert(newProduct({ quantity: 5 }));
    await cached.findById(id);
    expect(await cached.applyMovement(id, new ObjectId().toHexString(), -2)).toBe(3);
    expect((await cached.findById(id))?.quantity).toBe(3);
  });

  it('forgets a product as soon as this replica edits, rates or deletes it', async () => {
    const cached = repository();
    const { id } = await cached.insert(newProduct({ price: 100 }));
    await cached.findById(id);
    await cached.update(id, { price: 250 });
    expect((await cached.findById(id))?.price).toBe(250);
    await cached.raiseRatingTotals(id, { count: 1, sum: 4 });
    expect((await cached.findById(id))?.ratingCount).toBe(1);
    await cached.softDelete(id);
    expect((await cached.findById(id))?.deletedAt).not.toBeNull();
  });

  const insertBehindItsBack = (id: string) =>
    db.collection('products').insertOne({ ...newProduct(), _id: new ObjectId(id), sortName: 'x', ratingCount: 0, ratingSum: 0, createdAt: new Date(), updatedAt: new Date(), deletedAt: null, stockMarkers: [] });

  it('does not remember that a product was missing', async () => {
    const cached = repository();
    const id = new ObjectId().toHexString();
    expect(await cached.findById(id)).toBeNull();
    expect(await cached.exists(id)).toBe(false);
    await insertBehindItsBack(id);
    expect(await cached.findById(id)).not.toBeNull();
    expect(await cached.exists(id)).toBe(true);
  });

  it('remembers that a product exists across stock moves and deletion, which never remove it', async () => {
    const cached = repository(1);
    const id = new ObjectId().toHexString();
    await insertBehindItsBack(id);
    expect(await cached.exists(id)).toBe(true);
    await cached.applyMovement(id, new ObjectId().toHexString(), -1);
    await cached.softDelete(id);
    // Gone from the collection now, which no code path of the service does: only memory can answer true.
    await db.collection('products').deleteOne({ _id: new ObjectId(id) });
    expect(await cached.findById(id)).toBeNull();
    expect(await cached.exists(id)).toBe(true);
  });
});
