import { randomUUID } from 'node:crypto';
import { ADDRESS, startOrderService, type OrderServiceHarness } from './support/order-service-harness';

let h: OrderServiceHarness;
beforeAll(async () => { h = await startOrderService({ name: 'idempotency' }); });
afterAll(() => h?.close());

const orderCount = async (userId: string) =>
  ((await h.dataSource.query('SELECT count(*)::int AS n FROM orders WHERE user_id = $1', [userId])) as { n: number }[])[0].n;

describe('POST /api/orders with an Idempotency-Key', () => {
  it('answers a repeat of the same request with the first order (201, same body) and makes no second order', async () => {
    const { authorization, user } = h.customer();
    const product = h.products.add();
    const key = randomUUID();
    const payload = { items: [{ productId: product.id, quantity: 1 }], shippingAddress: ADDRESS };
    const first = await h.placeOrder(authorization, payload, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    // Key order in the JSON does not make it a different request.
    const again = await h.placeOrder(authorization, { shippingAddress: { ...ADDRESS }, items: [{ quantity: 1, productId: product.id }] }, { 'Idempotency-Key': key });
    expect(again.status).toBe(201);
    expect(again.data).toEqual(first.data);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await orderCount(user.userId)).toBe(1);
  });

  it('422 IDEMPOTENCY_KEY_REUSED for the same key with another body', async () => {
    const { authorization, user } = h.customer();
    const product = h.products.add();
    const key = randomUUID();
    await h.placeOrder(authorization, { items: [{ productId: product.id, quantity: 1 }], shippingAddress: ADDRESS }, { 'Idempotency-Key': key });
    const other = await h.placeOrder(authorization, { items: [{ productId: product.id, quantity: 2 }], shippingAddress: ADDRESS }, { 'Idempotency-Key': key });
    expect(other.status).toBe(422);
    expect(other.data.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await orderCount(user.userId)).toBe(1);
  });

  it('scopes keys to the user: another user with the same key gets an order of their own', async () => {
    const product = h.products.add();
    const key = `shared-${randomUUID()}`;
    const payload = { items: [{ productId: product.id, quantity: 1 }], shippingAddress: ADDRESS };
    const a = await h.placeOrder(h.customer().authorization, payload, { 'Idempotency-Key': key });
    const b = await h.placeOrder(h.customer().authorization, payload, { 'Idempotency-Key': key });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.data.id).not.toBe(b.data.id);
  });

  it('makes exactly one order from 10 concurrent requests with one key, and answers all of them with it', async () => {
    const { authorization, user } = h.customer();
    const product = h.products.add();
    const key = randomUUID();
    const payload = { items: [{ productId: product.id, quantity: 3 }], shippingAddress: ADDRESS };
    const responses = await Promise.all(Array.from({ length: 10 }, () => h.placeOrder(authorization, payload, { 'Idempotency-Key': key })));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((r) => r.data.id)).size).toBe(1);
    expect(await orderCount(user.userId)).toBe(1);
    await h.events.expectTypes(responses[0].data.id, ['order.created']);
  });

  it('does not keep a key whose request failed, so a corrected retry can succeed', async () => {
    const { authorization } = h.customer();
    const product = h.products.add({ quantity: 1 });
    const key = randomUUID();
    const payload = { items: [{ productId: product.id, quantity: 2 }], shippingAddress: ADDRESS };
    expect((await h.placeOrder(authorization, payload, { 'Idempotency-Key': key })).status).toBe(409);
    h.products.add({ ...product, quantity: 10 });
    expect((await h.placeOrder(authorization, payload, { 'Idempotency-Key': key })).status).toBe(201);
  });

  it.each([['empty', ''], ['too long', 'k'.repeat(256)], ['not ASCII', 'cl\u00e9']])('400 for an Idempotency-Key that is %s', async (_case, key) => {
    const product = h.products.add();
    const res = await h.placeOrder(h.customer().authorization, { items: [{ productId: product.id, quantity: 1 }], shippingAddress: ADDRESS }, { 'Idempotency-Key': key });
    expect(res.status).toBe(400);
    expect(res.data.error.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key', in: 'headers' })]);
  });

  it('names a bad Idempotency-Key and a bad body in the same 400', async () => {
    const res = await h.placeOrder(h.customer().authorization, { items: [], shippingAddress: ADDRESS }, { 'Idempotency-Key': 'k'.repeat(256) });
    expect(res.status).toBe(400);
    expect(res.data.error.details.map((detail: { field: string }) => detail.field)).toEqual(['Idempotency-Key', 'items']);
  });
});
