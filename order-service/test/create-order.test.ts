import { ADDRESS, startOrderService, type OrderServiceHarness } from './support/order-service-harness';

let h: OrderServiceHarness;
beforeAll(async () => { h = await startOrderService({ name: 'create' }); });
afterAll(() => h?.close());

const body = (items: { productId: string; quantity: unknown }[], shippingAddress: object = ADDRESS) => ({ items, shippingAddress });
const fields = (res: { data: { error: { details?: { field?: string }[] } } }) => (res.data.error.details ?? []).map((d) => d.field);

describe('POST /api/orders', () => {
  it('creates a PENDING order priced from the catalogue, in one call, ignoring prices, status, totals and owner sent by the client', async () => {
    const { authorization, user } = h.customer();
    const pen = h.products.add({ name: 'Fountain pen', price: 4999, currency: 'EUR', quantity: 5 });
    const ink = h.products.add({ name: 'Ink', price: 350, currency: 'EUR', quantity: 50 });
    const before = h.products.requests().length;

    const res = await h.placeOrder(authorization, {
      items: [{ productId: pen.id, quantity: 2, unitPrice: 1, name: 'free pen' }, { productId: ink.id.toUpperCase(), quantity: 3 }],
      shippingAddress: { ...ADDRESS, line2: 'Flat 3', country: 'gb' },
      status: 'PAID',
      total: 1,
      userId: '00000000-0000-4000-8000-000000000000',
      currency: 'USD',
    });

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/orders/${res.data.id}`);
    expect(res.data).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userId: user.userId,
      status: 'PENDING',
      items: [
        { productId: pen.id, name: 'Fountain pen', unitPrice: 4999, quantity: 2, lineTotal: 9998 },
        { productId: ink.id, name: 'Ink', unitPrice: 350, quantity: 3, lineTotal: 1050 },
      ],
      total: 11048,
      currency: 'EUR',
      shippingAddress: { ...ADDRESS, line2: 'Flat 3', country: 'GB' },
      history: [{ status: 'PENDING', at: res.data.createdAt, reason: null }],
      payments: [],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: res.data.createdAt,
    });
    expect(h.products.requests().slice(before)).toEqual([`?ids=${pen.id},${ink.id}`]);

    const read = await h.http.get(`/api/orders/${res.data.id}`, { headers: { Authorization: authorization } });
    expect(read.data).toEqual(res.data);
  });

  it('keeps the snapshot when the catalogue changes later', async () => {
    const { authorization } = h.customer();
    const product = h.products.add({ name: 'Lamp', price: 2000 });
    const created = await h.placeOrder(authorization, body([{ productId: product.id, quantity: 1 }]));
    h.products.add({ ...product, name: 'Lamp v2', price: 9999 });
    const read = await h.http.get(`/api/orders/${created.data.id}`, { headers: { Authorization: authorization } });
    expect(read.data.items[0]).toMatchObject({ name: 'Lamp', unitPrice: 2000 });
  });

  it('401 without a token or with one user-service refuses', async () => {
    const product = h.products.add();
    const payload = body([{ productId: product.id, quantity: 1 }]);
    const anonymous = await h.http.post('/api/orders', payload);
    expect(anonymous.status).toBe(401);
    expect(anonymous.data.error.code).toBe('UNAUTHENTICATED');
    const forged = await h.placeOrder('Bearer not.a.token', payload);
    expect(forged.status).toBe(401);
  });

  it.each([
    ['no items', { shippingAddress: ADDRESS }, ['items']],
    ['an empty item list', body([]), ['items']],
    ['51 items', body(Array.from({ length: 51 }, (_, i) => ({ productId: i.toString(16).padStart(24, '0'), quantity: 1 }))), ['items']],
    ['a zero quantity', body([{ productId: 'a'.repeat(24), quantity: 0 }]), ['items.0.quantity']],
    ['a fractional quantity', body([{ productId: 'a'.repeat(24), quantity: 1.5 }]), ['items.0.quantity']],
    ['a quantity as a string', body([{ productId: 'a'.repeat(24), quantity: '2' }]), ['items.0.quantity']],
    ['a product id that is not an ObjectId', body([{ productId: 'pen', quantity: 1 }]), ['items.0.productId']],
    ['the same product twice', body([{ productId: 'a'.repeat(24), quantity: 1 }, { productId: 'A'.repeat(24), quantity: 1 }]), ['items.1.productId']],
    ['no shipping address', { items: [{ productId: 'a'.repeat(24), quantity: 1 }] }, ['shippingAddress']],
    ['a blank city and a bad country', body([{ productId: 'a'.repeat(24), quantity: 1 }], { ...ADDRESS, city: '  ', country: 'GBR' }), ['shippingAddress.city', 'shippingAddress.country']],
    ['a country code that is not assigned', body([{ productId: 'a'.repeat(24), quantity: 1 }], { ...ADDRESS, country: 'QQ' }), ['shippingAddress.country']],
    ['an overlong name', body([{ productId: 'a'.repeat(24), quantity: 1 }], { ...ADDRESS, name: 'x'.repeat(201) }), ['shippingAddress.name']],
  ])('400 VALIDATION_FAILED for %s', async (_case, payload, expected) => {
    const res = await h.placeOrder(h.customer().authorization, payload);
    expect(res.status).toBe(400);
    expect(res.data.error.code).toBe('VALIDATION_FAILED');
    expect(fields(res)).toEqual(expect.arrayContaining(expected));
  });

  it('400 MALFORMED_JSON for a body that is not JSON', async () => {
    const res = await h.http.post('/api/orders', '{"items": [', { headers: { Authorization: h.customer().authorization, 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.data.error.code).toBe('MALFORMED_JSON');
  });

  it('422 UNKNOWN_PRODUCT naming each product that does not exist or was deleted, and no order', async () => {
    const { authorization } = h.customer();
    const fine = h.products.add();
    const gone = h.products.add();
    h.products.remove(gone.id);
    const missing = 'b'.repeat(24);
    const res = await h.placeOrder(authorization, body([{ productId: fine.id, quantity: 1 }, { productId: gone.id, quantity: 1 }, { productId: missing, quantity: 1 }]));
    expect(res.status).toBe(422);
    expect(res.data.error.code).toBe('UNKNOWN_PRODUCT');
    expect(res.data.error.details).toEqual([
      expect.objectContaining({ field: 'items.1.productId', productId: gone.id }),
      expect.objectContaining({ field: 'items.2.productId', productId: missing }),
    ]);
    const list = await h.http.get('/api/orders', { headers: { Authorization: authorization } });
    expect(list.data.total).toBe(0);
  });

  it('409 INSUFFICIENT_STOCK when stock is already short, naming the product', async () => {
    const few = h.products.add({ quantity: 2 });
    const plenty = h.products.add({ quantity: 100 });
    const res = await h.placeOrder(h.customer().authorization, body([{ productId: plenty.id, quantity: 3 }, { productId: few.id, quantity: 3 }]));
    expect(res.status).toBe(409);
    expect(res.data.error.code).toBe('INSUFFICIENT_STOCK');
    expect(res.data.error.details).toEqual([expect.objectContaining({ field: 'items.1.productId', productId: few.id, requested: 3, available: 2 })]);
  });

  it('422 CURRENCY_MISMATCH when the products are priced in different currencies', async () => {
    const euro = h.products.add({ currency: 'EUR' });
    const dollar = h.products.add({ currency: 'USD' });
    const res = await h.placeOrder(h.customer().authorization, body([{ productId: euro.id, quantity: 1 }, { productId: dollar.id, quantity: 1 }]));
    expect(res.status).toBe(422);
    expect(res.data.error.code).toBe('CURRENCY_MISMATCH');
  });

  it('503 when product-service cannot be reached, without details of the failure', async () => {
    const product = h.products.add();
    await h.products.close();
    const res = await h.placeOrder(h.customer().authorization, body([{ productId: product.id, quantity: 1 }]));
    expect(res.status).toBe(503);
    expect(res.data.error).toEqual({ code: 'SERVICE_UNAVAILABLE', message: expect.any(String) });
  });
});
