import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import axios from 'axios';
import { MongoClient } from 'mongodb';
import { freePort, spawnService, testMongoUrl, waitForHttp } from '@ecommerce/service-kit/testing';

const main = path.join(__dirname, '../dist/main.js');

describe('product-service start-up', () => {
  const database = `products_test_${randomBytes(5).toString('hex')}`;
  const client = new MongoClient(testMongoUrl());

  beforeAll(async () => {
    if (!existsSync(main)) throw new Error(`${main} is missing: run npx tsc -b product-service first`);
    await client.connect();
  });
  afterAll(async () => {
    await client.db(database).dropDatabase();
    await client.close();
  });

  async function startOnce(): Promise<{ port: number; stop: () => Promise<number | null> }> {
    const port = await freePort();
    const url = new URL(testMongoUrl());
    url.pathname = `/${database}`;
    const service = spawnService(main, {
      MONGODB_URL: url.toString(),
      USER_SERVICE_URL: 'http://127.0.0.1:4001',
      INTERNAL_API_TOKEN: 'startup-test-internal-token',
      PORT: String(port),
      INTERNAL_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/readyz`, service);
    } catch (err) {
      await service.stop('SIGKILL');
      throw err;
    }
    return { port, stop: () => service.stop('SIGTERM') };
  }

  it('creates its indexes, including the unique ones, and serves the catalog once it reports ready', async () => {
    const service = await startOnce();
    try {
      const db = client.db(database);
      const unique = async (collection: string) =>
        (await db.collection(collection).listIndexes().toArray()).filter((index) => index.unique).map((index) => index.key);
      expect(await unique('reviews')).toEqual([{ productId: 1, userId: 1 }]);
      expect(await unique('stock_movements')).toEqual([{ orderId: 1, productId: 1, action: 1 }]);
      const productIndexes = (await db.collection('products').listIndexes().toArray()).map((index) => index.name);
      expect(productIndexes).toEqual(expect.arrayContaining(['live_newest', 'live_price', 'live_name', 'live_category', 'sort_name_rule']));
      expect((await axios.get(`http://127.0.0.1:${service.port}/api/products`)).data).toEqual({ items: [], page: 1, limit: 20, total: 0 });
    } finally {
      expect(await service.stop()).toBe(0);
    }
  });

  it('starts again on a database whose indexes already exist (every restart and every replica does)', async () => {
    const first = await startOnce();
    expect(await first.stop()).toBe(0);
    expect((await client.db(database).collection('stock_movements').listIndexes().toArray()).some((index) => index.unique)).toBe(true);
    const again = await startOnce();
    expect(await again.stop()).toBe(0);
  });
});
