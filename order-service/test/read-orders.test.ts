import { startOrderService, type OrderServiceHarness } from './support/order-service-harness';

let h: OrderServiceHarness;
beforeAll(async () => { h = await startOrderService({ name: 'read' }); });
afterAll(() => h?.close());

const get = (path: string, authorization: string) => h.http.get(path, { headers: { Authorization: authorization } });

describe('GET /api/orders and /api/orders/:id', () => {
  let alice: ReturnType<OrderServiceHarness['customer']>;
  let bob: ReturnType<OrderServiceHarness['customer']>;
  let admin: ReturnType<OrderServiceHarness['admin']>;
  const aliceOrders: string[] = [];
  let bobOrder: string;

  beforeAll(async () => {
    alice = h.customer();
    bob = h.customer();
    admin = h.admin();
    for (let i = 0; i < 5; i++) aliceOrders.push((await h.pendingOrder(alice.authorization)).id);
    bobOrder = (await h.pendingOrder(bob.authorization)).id;
    expect((await h.pay(alice.authorization, aliceOrders[0])).status).toBe(200);
    expect((await h.pay(alice.authorization, aliceOrders[1], 'tok_chargeDeclined')).status).toBe(402);
  });

  it('shows the owner an order with its full history', async () => {
    const res = await get(`/api/orders/${aliceOrders[1]}`, alice.authorization);
    expect(res.status).toBe(200);
    expect(res.data.status).toBe('PAYMENT_FAILED');
    expect(res.data.history).toEqual([
      { status: 'PENDING', at: expect.any(String), reason: null },
      { status: 'PAYMENT_FAILED', at: expect.any(String), reason: 'card_declined' },
    ]);
  });

  it("answers 404 for another customer's order, exactly as for one that does not exist", async () => {
    const foreign = await get(`/api/orders/${bobOrder}`, alice.authorization);
    const missing = await get('/api/orders/7a1d6a3e-1f4c-4d1e-9f0a-3b2c1d0e9f8a', alice.authorization);
    expect(foreign.status).toBe(404);
    expect(foreign.data).toEqual(missing.data);
    expect(foreign.data.error.code).toBe('NOT_FOUND');
  });

  it("lets an admin read anyone's order", async () => {
    const res = await get(`/api/orders/${bobOrder}`, admin.authorization);
    expect(res.status).toBe(200);
    expect(res.data.userId).toBe(bob.user.userId);
  });

  it('400 for an order id that is not a UUID, 401 without a token', async () => {
    expect((await get('/api/orders/not-a-uuid', alice.authorization)).status).toBe(400);
    expect((await h.http.get(`/api/orders/${bobOrder}`)).status).toBe(401);
    expect((await h.http.get('/api/orders')).status).toBe(401);
  });

  it('lists only the customer’s own orders, newest first, in pages', async () => {
    const first = await get('/api/orders?limit=2', alice.authorization);
    expect(first.status).toBe(200);
    expect(first.data).toMatchObject({ page: 1, limit: 2, total: 5 });
    expect(first.data.items.map((o: { id: string }) => o.id)).toEqual([aliceOrders[4], aliceOrders[3]]);
    const third = await get('/api/orders?limit=2&page=3', alice.authorization);
    expect(third.data.items.map((o: { id: string }) => o.id)).toEqual([aliceOrders[0]]);
    expect(third.data.items[0].history.length).toBe(2);
    const beyond = await get('/api/orders?limit=2&page=9', alice.authorization);
    expect(beyond.data).toMatchObject({ items: [], total: 5 });
  });

  it('filters by status', async () => {
    const paid = await get('/api/orders?status=PAID', alice.authorization);
    expect(paid.data.items.map((o: { id: string }) => o.id)).toEqual([aliceOrders[0]]);
    const pending = await get('/api/orders?status=PENDING', alice.authorization);
    expect(pending.data.total).toBe(3);
  });

  it('lets an admin list everyone’s orders, or one user’s', async () => {
    const all = await get('/api/orders?limit=100', admin.authorization);
    expect(all.data.total).toBeGreaterThanOrEqual(6);
    const ofBob = await get(`/api/orders?userId=${bob.user.userId}`, admin.authorization);
    expect(ofBob.data.items.map((o: { id: string }) => o.id)).toEqual([bobOrder]);
    const pendingOfAlice = await get(`/api/orders?userId=${alice.user.userId}&status=PENDING`, admin.authorization);
    expect(pendingOfAlice.data.total).toBe(3);
  });

  it('lets a customer name their own id in the filter, in either case', async () => {
    const res = await get(`/api/orders?userId=${alice.user.userId.toUpperCase()}&status=PENDING`, alice.authorization);
    expect(res.status).toBe(200);
    expect(res.data.total).toBe(3);
  });

  it('403 when a customer asks for another user’s orders', async () => {
    const res = await get(`/api/orders?userId=${bob.user.userId}`, alice.authorization);
    expect(res.status).toBe(403);
    expect(res.data.error.code).toBe('FORBIDDEN');
  });

  it.each(['limit=101', 'limit=0', 'page=0', 'status=LOST', 'userId=42'])('400 VALIDATION_FAILED for %s', async (query) => {
    const res = await get(`/api/orders?${query}`, admin.authorization);
    expect(res.status).toBe(400);
    expect(res.data.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('GET /openapi.json', () => {
  it('describes every public route and none of the internal ones', async () => {
    const res = await h.http.get('/openapi.json');
    expect(res.status).toBe(200);
    const routes = Object.entries(res.data.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual([
      'GET /api/orders',
      'GET /api/orders/{id}',
      'PATCH /api/orders/{id}/status',
      'POST /api/orders',
      'POST /api/orders/{id}/cancel',
      'POST /api/orders/{id}/pay',
    ]);
    expect(res.data.paths['/api/orders'].post.responses).toHaveProperty('422');
  });
});
