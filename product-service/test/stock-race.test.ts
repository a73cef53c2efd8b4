import { randomUUID } from 'node:crypto';
import { isRealMongo, startProductService, type ProductService } from './harness';

const SKIP_REASON =
  'skipped: MONGODB_IS_REAL is not 1, so the test server is FerretDB, which does not apply a single update atomically; ' +
  'set MONGODB_URL to a real MongoDB and MONGODB_IS_REAL=1 to run it';

describe('stock moves exactly once however many commits and releases race', () => {
  // Printed while the suite is collected: jest runs no hooks for a describe whose tests are all skipped.
  if (!isRealMongo) console.warn(`stock race tests ${SKIP_REASON}`);
  let svc: ProductService | undefined;
  beforeAll(async () => {
    if (isRealMongo) svc = await startProductService();
  });
  afterAll(() => svc?.close());

  (isRealMongo ? it : it.skip)('lets exactly 10 of 100 concurrent single-unit commits from different orders take a stock of 10', async () => {
    const product = await svc!.createProduct({ quantity: 10 });
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        svc!.internal.post(`/internal/product/${product.id}/quantity`, { orderId: randomUUID(), quantity: 1, action: 'commit' }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(90);
    expect(responses.filter((r) => r.status === 409).every((r) => r.data.error.code === 'INSUFFICIENT_STOCK')).toBe(true);
    expect((await svc!.api.get(`/api/products/${product.id}`)).data.quantity).toBe(0);
    expect(await svc!.db.collection('stock_movements').countDocuments({ state: 'applied' })).toBe(10);
  });

  (isRealMongo ? it : it.skip)("applies a dead process's cut-off commit once when 5 repeats race to take it over", async () => {
    const product = await svc!.createProduct({ quantity: 10 });
    const orderId = randomUUID();
    const movementId = await svc!.leaveBehindCommit(product.id, orderId, 3, false);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => svc!.internal.post(`/internal/product/${product.id}/quantity`, { orderId, quantity: 3, action: 'commit' })),
    );
    expect(responses.map((r) => [r.status, r.data.quantity])).toEqual(Array(5).fill([200, 7]));
    expect(await svc!.db.collection('stock_movements').findOne({ _id: movementId })).toMatchObject({ state: 'applied' });
    expect((await svc!.api.get(`/api/products/${product.id}`)).data.quantity).toBe(7);
  });

  // A release waits for the commit it races, then gives the stock back while the commit clears its
  // marker from the same product: two updates of one document, which FerretDB can lose one of.
  (isRealMongo ? it : it.skip)('ends with the stock it started with when a commit and a release of one order race', async () => {
    const product = await svc!.createProduct({ quantity: 20 });
    for (let round = 0; round < 8; round++) {
      const orderId = randomUUID();
      const move = (action: 'commit' | 'release', quantity: number) =>
        svc!.internal.post(`/internal/product/${product.id}/quantity`, { orderId, action, quantity });
      const [committed, released] = await Promise.all([move('commit', 2), move('release', 1)]);
      expect([200, 409]).toContain(committed.status);
      expect(released.status).toBe(200);
      expect((await svc!.internal.get('/internal/products', { params: { ids: product.id } })).data.items[0].quantity).toBe(20);
    }
  });
});
