import { randomBytes } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { Lifecycle, createLogger } from '@ecommerce/service-kit';
import { silentLogger, startTestServer, startUserServiceDouble, testMongoUrl } from '@ecommerce/service-kit/testing';
import { createProductServiceApp, type ProductServiceDeps } from '../src/app';
import { ensureIndexes } from '../src/data-access/collections';
import type { Product } from '../src/domain/product';

export const isRealMongo = process.env.MONGODB_IS_REAL === '1';

export const newProduct = (overrides: Record<string, unknown> = {}) => ({
  name: 'Espresso cup',
  description: 'Porcelain, 90 ml',
  price: 1250,
  currency: 'EUR',
  category: 'kitchen',
  quantity: 10,
  imageUrls: ['https://img.example.com/cup.jpg'],
  ...overrides,
});

/**
 * product-service's two apps on ephemeral ports, over a throwaway database on the test MongoDB
 * server (indexes created as main.ts does), with a user-service double that vouches for tokens.
 */
export async function startProductService(options: { stock?: ProductServiceDeps['stock']; mongoClient?: MongoClient } = {}) {
  const internalToken = `product-test-${randomBytes(12).toString('hex')}`;
  const client = options.mongoClient ?? new MongoClient(testMongoUrl(), { maxPoolSize: 100 });
  await client.connect();
  const db: Db = client.db(`products_test_${randomBytes(5).toString('hex')}`);
  await ensureIndexes(db);
  const users = await startUserServiceDouble(internalToken);
  // PRODUCT_TEST_LOG=warn (or debug) shows the service's own log lines while a test is investigated.
  const logger = process.env.PRODUCT_TEST_LOG ? createLogger({ service: 'product-service', level: process.env.PRODUCT_TEST_LOG }) : silentLogger();
  const apps = createProductServiceApp({
    config: { INTERNAL_API_TOKEN: internalToken, USER_SERVICE_URL: users.url },
    logger,
    lifecycle: new Lifecycle(logger),
    db,
    isStarted: () => true,
    stock: options.stock,
  });
  const publicServer = await startTestServer(apps.publicApp);
  const internalServer = await startTestServer(apps.internalApp);
  const admin = { Authorization: users.login('admin').authorization };
  const customer = () => ({ Authorization: users.login('customer').authorization });
  const api: AxiosInstance = axios.create({ baseURL: publicServer.url, validateStatus: () => true });
  const internal: AxiosInstance = axios.create({
    baseURL: internalServer.url,
    validateStatus: () => true,
    headers: { 'X-Internal-Token': internalToken },
  });

  return {
    db,
    api,
    internal,
    internalUrl: internalServer.url,
    admin,
    customer,
    async createProduct(overrides: Record<string, unknown> = {}): Promise<Product> {
      const response = await api.post('/api/products', newProduct(overrides), { headers: admin });
      if (response.status !== 201) throw new Error(`create failed: ${response.status} ${JSON.stringify(response.data)}`);
      return response.data as Product;
    },
    /**
     * What a stock commit that died mid-way leaves behind: its pending movement under a dead
     * process's lease (expired unless told otherwise) and, if it got that far, the stock change
     * with its marker. Answers the movement's id.
     */
    async leaveBehindCommit(productId: string, orderId: string, quantity: number, applied: boolean, leaseExpiresAt = new Date(Date.now() - 1000)) {
      const _id = new ObjectId();
      await db.collection('stock_movements').insertOne({
        _id,
        orderId,
        productId: new ObjectId(productId),
        action: 'commit',
        quantity,
        state: 'pending',
        leaseToken: 'dead-process',
        leaseExpiresAt,
        createdAt: new Date(),
      });
      if (applied) {
        await db.collection('products').updateOne({ _id: new ObjectId(productId) }, { $inc: { quantity: -quantity }, $push: { stockMarkers: _id } } as object);
      }
      return _id;
    },
    async close() {
      await publicServer.close(100);
      await internalServer.close(100);
      await users.close();
      await db.dropDatabase();
      await client.close();
    },
  };
}

export type ProductService = Awaited<ReturnType<typeof startProductService>>;
