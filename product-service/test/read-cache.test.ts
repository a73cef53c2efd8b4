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

  // Long enough for the FerretDB round trips between filling an entry and the read expected to hit it.
  const TTL_MS = 2000;
  const repository = (ttlMs = 60_000) => new CachedProductRepository(collections(db), { ttlMs, maxEntries: 100, maxListings: 10, maxBytes: 2 ** 20 });
  /** A change made straight in the database, as another replica's would be: this replica hears nothing of it. */
  const changeBehindItsBack = (id: string, changes: Record<string, unknown>) =>
    db.collection('products').updateOne({ _id: new ObjectId(id) }, { $set: changes });

  it('serves repeated reads from memory until the entry expires', async () => {
    const cached = repository(TTL_MS);
    const { id } = await cached.insert(newProduct({ quantity: 5 }));
    expect((await cached.findById(id))?.quantity).toBe(5);
    await changeBehindItsBack(id, { quantity: 7 });
    expect((await cached.findById(id))?.quantity).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));
    expect((await cached.findById(id))?.quantity).toBe(7);
  });

  it('keeps a product as this replica\'s stock move or edit left it, without reading it again', async () => {
    const cached = repository();
    const { id } = await cached.insert(newProduct({ quantity: 5, price: 100 }));
    await cached.findById(id);
    expect(await cached.applyMovement(id, new ObjectId().toHexString(), -2)).toBe(3);
    // A change nobody told this replica about stays unseen: the entry is the write's own result.
    await changeBehindItsBack(id, { price: 999 });
    expect(await cached.findById(id)).toMatchObject({ quantity: 3, price: 100 });
    await cached.update(id, { name: 'Renamed' });
    await changeBehindItsBack(id, { quantity: 42 });
    expect(await cached.findById(id)).toMatchObject({ name: 'Renamed', quantity: 3, price: 999 });
  });

  it('prices an order from the cache, with this replica\'s stock moves in it', async () => {
    const cached = repository();
    const first = await cached.insert(newProduct({ quantity: 5, price: 100 }));
    const second = await cached.insert(newProduct({ quantity: 9, price: 300 }));
    const absent = new ObjectId().toHexString();
    expect((await cached.findByIds([first.id, second.id, absent])).map((p) => p.id)).toEqual([first.id, second.id]);
    await changeBehindItsBack(first.id, { price: 150 });
    await cached.applyMovement(second.id, new ObjectId().toHexString(), -4);
    expect((await cached.findByIds([first.id, second.id])).map((p) => [p.price, p.quantity])).toEqual([[100, 5], [300, 5]]);
  });

  it('forgets a product as soon as this replica rates or deletes it', async () => {
    const cached = repository();
    const { id } = await cached.insert(newProduct({ price: 100 }));
    await cached.findById(id);
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

  // Listings and category counts, keyed by a category of the test's own so earlier tests do not show.
  const category = () => `cache-${randomBytes(4).toString('hex')}`;
  const firstPage = { skip: 0, limit: 10 };

  it('serves a listing and the category counts from memory until they expire', async () => {
    const cached = repository(TTL_MS);
    const shelf = category();
    const { id } = await cached.insert(newProduct({ category: shelf, quantity: 5 }));
    expect((await cached.list({ category: shelf }, '-createdAt', firstPage)).items.map((p) => p.quantity)).toEqual([5]);
    const counted = (await cached.categories()).find((c) => c.name === shelf);
    await changeBehindItsBack(id, { quantity: 7, category: `${shelf}-moved` });
    expect((await cached.list({ category: shelf }, '-createdAt', firstPage)).items.map((p) => p.quantity)).toEqual([5]);
    expect((await cached.categories()).find((c) => c.name === shelf)).toEqual(counted);
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));
    expect((await cached.list({ category: shelf }, '-createdAt', firstPage)).total).toBe(0);
    expect((await cached.categories()).find((c) => c.name === shelf)).toBeUndefined();
  });

  it('keys a listing by its whole request: filter (in any field order), sort and page', async () => {
    const cached = repository();
    const shelf = category();
    await cached.insert(newProduct({ category: shelf, name: 'Alpha', price: 100 }));
    await cached.insert(newProduct({ category: shelf, name: 'Beta', price: 300 }));
    const names = async (filter: object, sort: 'name' | '-price', page = firstPage) =>
      (await cached.list(filter, sort, page)).items.map((p) => p.name);
    expect(await names({ category: shelf }, 'name')).toEqual(['Alpha', 'Beta']);
    expect(await names({ category: shelf }, '-price')).toEqual(['Beta', 'Alpha']);
    expect(await names({ category: shelf, minPrice: 200 }, 'name')).toEqual(['Beta']);
    expect(await names({ category: shelf }, 'name', { skip: 1, limit: 10 })).toEqual(['Beta']);
    // The same request with its fields in another order is answered from the same entry.
    await db.collection('products').updateMany({ category: shelf }, { $set: { price: 500 } });
    expect(await names({ minPrice: 200, category: shelf }, 'name')).toEqual(['Beta']);
    expect(await names({ category: shelf, minPrice: 200 }, 'name')).toEqual(['Beta']);
  });

  it('drops every listing and the category counts as soon as this replica adds, edits, rates, deletes or moves the stock of a product', async () => {
    const cached = repository();
    const shelf = category();
    const listed = async () => (await cached.list({ category: shelf }, '-createdAt', firstPage)).items;
    const count = async () => (await cached.categories()).find((c) => c.name === shelf)?.count;
    expect(await listed()).toEqual([]);
    expect(await count()).toBeUndefined();
    const { id } = await cached.insert(newProduct({ category: shelf, price: 100, quantity: 5 }));
    expect((await listed()).map((p) => p.id)).toEqual([id]);
    expect(await count()).toBe(1);
    await cached.update(id, { price: 250 });
    expect((await listed())[0].price).toBe(250);
    await cached.applyMovement(id, new ObjectId().toHexString(), -2);
    expect((await listed())[0].quantity).toBe(3);
    await cached.raiseRatingTotals(id, { count: 1, sum: 4 });
    expect((await listed())[0].ratingCount).toBe(1);
    await cached.softDelete(id);
    expect(await listed()).toEqual([]);
    expect(await count()).toBeUndefined();
  });

  it('shares frozen records between the readers of a listing', async () => {
    const cached = repository();
    const shelf = category();
    await cached.insert(newProduct({ category: shelf }));
    const [first, second] = await Promise.all([cached.list({ category: shelf }, '-createdAt', firstPage), cached.list({ category: shelf }, '-createdAt', firstPage)]);
    expect(second).toBe(first);
    expect(Object.isFrozen(first.items[0])).toBe(true);
  });
});
