import { randomUUID } from 'node:crypto';
import { metricValue } from '@ecommerce/service-kit/testing';
import axios from 'axios';
import { ObjectId } from 'mongodb';
import { collections } from '../src/data-access/collections';
import { ProductRepository } from '../src/data-access/product.repository';
import { StockMovementRepository } from '../src/data-access/stock-movement.repository';
import { Stock } from '../src/domain/stock';
import { startProductService, type ProductService } from './harness';

describe('stock commits and releases on the internal port', () => {
  let svc: ProductService;
  beforeAll(async () => {
    svc = await startProductService();
  });
  afterAll(() => svc?.close());

  const change = (productId: string, body: Record<string, unknown>) => svc.internal.post(`/internal/product/${productId}/quantity`, body);
  const commit = (productId: string, orderId: string, quantity: number) => change(productId, { orderId, quantity, action: 'commit' });
  const release = (productId: string, orderId: string, quantity = 1) => change(productId, { orderId, quantity, action: 'release' });
  const stockOf = async (productId: string) => (await svc.internal.get('/internal/products', { params: { ids: productId } })).data.items[0].quantity as number;

  it('refuses calls without the internal token or with a wrong one', async () => {
    const product = await svc.createProduct();
    const bare = axios.create({ baseURL: svc.internalUrl, validateStatus: () => true });
    for (const headers of [{}, { 'X-Internal-Token': 'wrong-token-wrong-token' }]) {
      const post = await bare.post(`/internal/product/${product.id}/quantity`, { orderId: randomUUID(), quantity: 1, action: 'commit' }, { headers });
      expect(post.status).toBe(401);
      expect(post.data.error.code).toBe('INTERNAL_TOKEN_INVALID');
      expect((await bare.get('/internal/products', { params: { ids: product.id }, headers })).status).toBe(401);
    }
    expect(await stockOf(product.id)).toBe(10);
    expect((await svc.api.post(`/internal/product/${product.id}/quantity`, {})).status).toBe(404);
  });

  it('commits stock and answers the stock left; a repeat answers 200 with no second effect', async () => {
    const product = await svc.createProduct({ quantity: 10 });
    const orderId = randomUUID();
    const first = await commit(product.id, orderId, 3);
    expect(first.status).toBe(200);
    expect(first.data).toEqual({ productId: product.id, quantity: 7 });
    const repeat = await commit(product.id, orderId, 3);
    expect(repeat.status).toBe(200);
    expect(repeat.data).toEqual({ productId: product.id, quantity: 7 });
    expect(await stockOf(product.id)).toBe(7);
    expect((await svc.api.get(`/api/products/${product.id}`)).data.quantity).toBe(7);
  });

  it('changes stock once when 20 identical commits arrive at the same moment', async () => {
    const product = await svc.createProduct({ quantity: 50 });
    const orderId = randomUUID();
    const responses = await Promise.all(Array.from({ length: 20 }, () => commit(product.id, orderId, 4)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(responses.map((r) => r.data.quantity)).toEqual(Array(20).fill(46));
    expect(await stockOf(product.id)).toBe(46);
    const movements = await svc.db.collection('stock_movements').find({ orderId }).toArray();
    expect(movements).toHaveLength(1);
    expect(movements[0]).toMatchObject({ action: 'commit', quantity: 4, state: 'applied' });
    const doc = await svc.db.collection('products').findOne({ _id: new ObjectId(product.id) });
    expect(doc?.stockMarkers).toEqual([]);
  });

  it('answers 409 INSUFFICIENT_STOCK with no change when stock is short, and again on a repeat after a restock', async () => {
    const product = await svc.createProduct({ quantity: 2 });
    const orderId = randomUUID();
    const short = await commit(product.id, orderId, 3);
    expect(short.status).toBe(409);
    expect(short.data.error).toMatchObject({ code: 'INSUFFICIENT_STOCK', details: [expect.objectContaining({ field: 'quantity', available: 2 })] });
    expect(await stockOf(product.id)).toBe(2);

    await svc.api.patch(`/api/products/${product.id}`, { quantity: 100 }, { headers: svc.admin });
    const repeat = await commit(product.id, orderId, 3);
    expect(repeat.status).toBe(409);
    expect(repeat.data.error.code).toBe('INSUFFICIENT_STOCK');
    expect(await stockOf(product.id)).toBe(100);
  });

  it('can take the last unit and then refuses the next order', async () => {
    const product = await svc.createProduct({ quantity: 5 });
    expect((await commit(product.id, randomUUID(), 5)).data.quantity).toBe(0);
    const next = await commit(product.id, randomUUID(), 1);
    expect(next.status).toBe(409);
    expect(await stockOf(product.id)).toBe(0);
  });

  it("releases exactly what that order committed, once, whatever quantity the release names", async () => {
    const product = await svc.createProduct({ quantity: 10 });
    const orderA = randomUUID();
    const orderB = randomUUID();
    await commit(product.id, orderA, 3);
    await commit(product.id, orderB, 2);
    expect(await stockOf(product.id)).toBe(5);
    const released = await release(product.id, orderA, 99);
    expect(released.status).toBe(200);
    expect(released.data).toEqual({ productId: product.id, quantity: 8 });
    const repeat = await release(product.id, orderA, 3);
    expect(repeat.status).toBe(200);
    expect(repeat.data.quantity).toBe(8);
    expect(await stockOf(product.id)).toBe(8);
    const movement = await svc.db.collection('stock_movements').findOne({ orderId: orderA, action: 'release' });
    expect(movement).toMatchObject({ state: 'applied', quantity: 3 });
  });

  it('changes stock once when 20 identical releases arrive at the same moment', async () => {
    const product = await svc.createProduct({ quantity: 10 });
    const orderId = randomUUID();
    await commit(product.id, orderId, 6);
    const responses = await Promise.all(Array.from({ length: 20 }, () => change(product.id, { orderId, action: 'release' })));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await stockOf(product.id)).toBe(10);
  });

  it('treats a release with no earlier commit as a 200 no-op, and a later commit of that order as too late', async () => {
    const product = await svc.createProduct({ quantity: 10 });
    const orderId = randomUUID();
    const released = await release(product.id, orderId);
    expect(released.status).toBe(200);
    expect(released.data).toEqual({ productId: product.id, quantity: 10 });
    expect(await svc.db.collection('stock_movements').findOne({ orderId, action: 'release' })).toMatchObject({ state: 'noop', quantity: 0 });
    // The release barred the order's commit: the order's stock was given up, and taking it now would strand it.
    expect(await svc.db.collection('stock_movements').findOne({ orderId, action: 'commit' })).toMatchObject({ state: 'rejected', reason: 'RELEASED' });
    for (const quantity of [2, 5]) {
      const late = await commit(product.id, orderId, quantity);
      expect(late.status).toBe(409);
      expect(late.data.error).toMatchObject({ code: 'INSUFFICIENT_STOCK', details: [expect.objectContaining({ reason: 'RELEASED' })] });
    }
    expect(await stockOf(product.id)).toBe(10);
  });

  it('releases nothing for a commit that was refused', async () => {
    const product = await svc.createProduct({ quantity: 1 });
    const orderId = randomUUID();
    expect((await commit(product.id, orderId, 2)).status).toBe(409);
    const released = await release(product.id, orderId);
    expect(released.status).toBe(200);
    expect(await stockOf(product.id)).toBe(1);
  });

  it('refuses a repeat that names another quantity with 409 IDEMPOTENCY_CONFLICT', async () => {
    const product = await svc.createProduct({ quantity: 10 });
    const orderId = randomUUID();
    await commit(product.id, orderId, 2);
    const other = await commit(product.id, orderId, 5);
    expect(other.status).toBe(409);
    expect(other.data.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await stockOf(product.id)).toBe(8);
  });

  it('refuses to commit a deleted product but still releases what was committed before', async () => {
    const product = await svc.createProduct({ quantity: 10 });
    const earlier = randomUUID();
    await commit(product.id, earlier, 4);
    await svc.api.delete(`/api/products/${product.id}`, { headers: svc.admin });
    const late = await commit(product.id, randomUUID(), 1);
    expect(late.status).toBe(409);
    expect(late.data.error.code).toBe('INSUFFICIENT_STOCK');
    expect((await release(product.id, earlier)).data.quantity).toBe(10);
  });

  it('answers 404 NOT_FOUND for an unknown or malformed product id', async () => {
    for (const id of ['000000000000000000000000', 'nope', 'aaaaaaaaaaaa', 'a%00b']) {
      const response = await commit(id, randomUUID(), 1);
      expect(response.status).toBe(404);
      expect(response.data.error.code).toBe('NOT_FOUND');
    }
  });

  it.each([
    [{ orderId: 'order-1', quantity: 1, action: 'commit' }, 'orderId'],
    [{ orderId: { $gt: '' }, quantity: 1, action: 'commit' }, 'orderId'],
    [{ quantity: 1, action: 'commit' }, 'orderId'],
    [{ orderId: randomUUID(), quantity: 0, action: 'commit' }, 'quantity'],
    [{ orderId: randomUUID(), quantity: -2, action: 'commit' }, 'quantity'],
    [{ orderId: randomUUID(), quantity: 1.5, action: 'commit' }, 'quantity'],
    [{ orderId: randomUUID(), quantity: '1', action: 'commit' }, 'quantity'],
    [{ orderId: randomUUID(), action: 'commit' }, 'quantity'],
    [{ orderId: randomUUID(), quantity: 1, action: 'steal' }, 'action'],
    [{ orderId: randomUUID(), quantity: 1, action: { $ne: 'x' } }, 'action'],
  ])('refuses %j with 400 naming %s and changes nothing', async (body, field) => {
    const product = await svc.createProduct({ quantity: 10 });
    const response = await change(product.id, body);
    expect(response.status).toBe(400);
    expect(response.data.error.code).toBe('VALIDATION_FAILED');
    expect(response.data.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await stockOf(product.id)).toBe(10);
  });

  it('serves products to services by id, deleted ones marked, and validates the ids', async () => {
    const live = await svc.createProduct();
    const response = await svc.internal.get('/internal/products', { params: { ids: `${live.id},000000000000000000000000` } });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ items: [{ ...live, deleted: false }] });
    expect((await svc.internal.get('/internal/products')).status).toBe(400);
    expect((await svc.internal.get('/internal/products', { params: { ids: 'x,y' } })).status).toBe(400);
  });

  it('counts stock movements by action and result in /metrics', async () => {
    const counted = async () => {
      const metrics = (await svc.api.get('/metrics')).data as string;
      const count = (action: string, result: string) => metricValue(metrics, 'stock_movements_total', { action, result });
      return [count('commit', 'applied'), count('commit', 'repeated'), count('commit', 'rejected'), count('release', 'noop'), count('release', 'applied')];
    };
    const before = await counted();
    const product = await svc.createProduct({ quantity: 1 });
    const orderId = randomUUID();
    expect((await commit(product.id, orderId, 1)).status).toBe(200);
    expect((await commit(product.id, orderId, 1)).status).toBe(200);
    expect((await release(product.id, orderId)).status).toBe(200);
    // Released before any commit: the late commit is refused, not counted as a repeat.
    const released = randomUUID();
    expect((await release(product.id, released)).status).toBe(200);
    expect((await commit(product.id, released, 1)).status).toBe(409);
    expect(await counted()).toEqual(before.map((n) => n + 1));
  });
});

describe('stock movements left behind by a process that died', () => {
  const LEASE_MS = 400;
  let svc: ProductService;
  beforeAll(async () => {
    svc = await startProductService({ stock: { leaseMs: LEASE_MS, pollMs: 10 } });
  });
  afterAll(() => svc?.close());

  const commit = (productId: string, orderId: string, quantity: number) =>
    svc.internal.post(`/internal/product/${productId}/quantity`, { orderId, quantity, action: 'commit' });
  const products = () => svc.db.collection('products');
  const movements = () => svc.db.collection('stock_movements');

  it('settles a change that was applied before the crash without applying it again', async () => {
    const product = await svc.createProduct({ quantity: 10 });
    const orderId = randomUUID();
    const movementId = await svc.leaveBehindCommit(product.id, orderId, 3, true);
    const repeat = await commit(product.id, orderId, 3);
    expect(repeat.status).toBe(200);
    expect(repeat.data.quantity).toBe(7);
    expect(await movements().findOne({ _id: movementId })).toMatchObject({ state: 'applied' });
    expect((await products().findOne({ _id: new ObjectId(product.id) }))?.stockMarkers).toEqual([]);
  });

  // One repeat at a time: several racing to take the movement over need MongoDB's atomic
  // conditional update, which FerretDB lacks; that race is in stock-race.test.ts.
  it('applies once a change that the crash cut off before it was applied', async () => {
    const product = await svc.createProduct({ quantity: 10 });
    const orderId = randomUUID();
    const movementId = await svc.leaveBehindCommit(product.id, orderId, 3, false);
    for (let repeat = 0; repeat < 2; repeat++) {
      const response = await commit(product.id, orderId, 3);
      expect([response.status, response.data.quantity]).toEqual([200, 7]);
    }
    expect(await movements().findOne({ _id: movementId })).toMatchObject({ state: 'applied' });
    expect((await products().findOne({ _id: new ObjectId(product.id) }))?.quantity).toBe(7);
  });

  it('waits for a live lease to run out before taking the movement over', async () => {
    const product = await svc.createProduct({ quantity: 10 });
    const orderId = randomUUID();
    const leaseEnds = Date.now() + LEASE_MS;
    await svc.leaveBehindCommit(product.id, orderId, 2, false, new Date(leaseEnds));
    const response = await commit(product.id, orderId, 2);
    expect(response.status).toBe(200);
    expect(response.data.quantity).toBe(8);
    // Same clock as the service's: the takeover cannot have answered before the lease ran out.
    expect(Date.now()).toBeGreaterThanOrEqual(leaseEnds);
  });

  it('refuses a repeat that names another quantity with 409 at once, without waiting for the movement in flight', async () => {
    const product = await svc.createProduct({ quantity: 10 });
    const orderId = randomUUID();
    // Held for a minute: waiting for it would end in a 503 (or the test's timeout), never a 409.
    const movementId = await svc.leaveBehindCommit(product.id, orderId, 2, false, new Date(Date.now() + 60_000));
    const other = await commit(product.id, orderId, 5);
    expect(other.status).toBe(409);
    expect(other.data.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await movements().findOne({ _id: movementId })).toMatchObject({ state: 'pending', leaseToken: 'dead-process' });
    expect((await products().findOne({ _id: new ObjectId(product.id) }))?.quantity).toBe(10);
  });

  it('lets a release settle an order whose commit was left applied but pending, then give it back', async () => {
    const product = await svc.createProduct({ quantity: 10 });
    const orderId = randomUUID();
    await svc.leaveBehindCommit(product.id, orderId, 4, true);
    const released = await svc.internal.post(`/internal/product/${product.id}/quantity`, { orderId, action: 'release' });
    expect(released.status).toBe(200);
    expect(released.data.quantity).toBe(10);
    expect(await movements().findOne({ orderId, action: 'commit' })).toMatchObject({ state: 'applied' });
  });
});

describe('a stock change whose holder stalled past its lease while another request took it over', () => {
  const LEASE_MS = 300;
  let svc: ProductService;
  beforeAll(async () => {
    svc = await startProductService();
  });
  afterAll(() => svc?.close());

  /** The product store of a replica whose updates are held back (a stalled connection) until let go. */
  class StalledProducts extends ProductRepository {
    readonly reached: Promise<void>;
    readonly letGo: () => void;
    private readonly arrive: () => void;
    private readonly gate: Promise<void>;
    constructor(...args: ConstructorParameters<typeof ProductRepository>) {
      super(...args);
      let arrive = () => {};
      let letGo = () => {};
      this.reached = new Promise((resolve) => { arrive = resolve; });
      this.gate = new Promise((resolve) => { letGo = resolve; });
      [this.arrive, this.letGo] = [arrive, letGo];
    }
    override async applyMovement(...args: Parameters<ProductRepository['applyMovement']>) {
      this.arrive();
      await this.gate;
      return super.applyMovement(...args);
    }
  }

  it.each(['commit', 'release'] as const)('applies a %s once: the late update of the first holder changes nothing', async (action) => {
    const product = await svc.createProduct({ quantity: 10 });
    const orderId = randomUUID();
    const stores = collections(svc.db);
    const options = { leaseMs: LEASE_MS, pollMs: 10 };
    const healthy = new Stock(new StockMovementRepository(stores), new ProductRepository(stores), options);
    if (action === 'release') expect((await healthy.change({ productId: product.id, orderId, action: 'commit', quantity: 3 })).quantity).toBe(7);

    const stalled = new StalledProducts(stores);
    const first = new Stock(new StockMovementRepository(stores), stalled, options).change({ productId: product.id, orderId, action, quantity: 3 });
    await stalled.reached;
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 50));
    const takenOver = await healthy.change({ productId: product.id, orderId, action, quantity: 3 });
    expect(takenOver).toMatchObject({ result: 'applied', quantity: action === 'commit' ? 7 : 10 });

    stalled.letGo();
    expect(await first).toMatchObject({ result: 'applied', quantity: action === 'commit' ? 7 : 10 });
    const doc = await svc.db.collection('products').findOne({ _id: new ObjectId(product.id) });
    expect(doc?.quantity).toBe(action === 'commit' ? 7 : 10);
    expect(doc?.stockMarkers).toEqual([]);
  });
});
