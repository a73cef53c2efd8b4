import axios from 'axios';
import { startOrderService, type OrderServiceHarness } from './support/order-service-harness';

let h: OrderServiceHarness;
beforeAll(async () => { h = await startOrderService({ name: 'status' }); });
afterAll(() => h?.close());

const statuses = (order: { history: { status: string }[] }) => order.history.map((e) => e.status);

describe('PATCH /api/orders/:id/status (admin)', () => {
  it('moves a CONFIRMED order to SHIPPED, then to DELIVERED', async () => {
    const { authorization, order } = await h.orderIn('CONFIRMED');
    const shipped = await h.setAdminStatus(order.id, 'SHIPPED');
    expect(shipped.status).toBe(200);
    expect(shipped.data.status).toBe('SHIPPED');
    const delivered = await h.setAdminStatus(order.id, 'DELIVERED');
    expect(delivered.status).toBe(200);
    expect(statuses(await h.read(authorization, order.id))).toEqual(['PENDING', 'PAID', 'CONFIRMED', 'SHIPPED', 'DELIVERED']);
  });

  it.each([
    ['PENDING', 'SHIPPED'],
    ['PAID', 'SHIPPED'],
    ['CONFIRMED', 'DELIVERED'],
    ['SHIPPED', 'SHIPPED'],
    ['DELIVERED', 'SHIPPED'],
    ['CANCELLED', 'SHIPPED'],
    ['CONFIRMED', 'CANCELLED'],
    ['PAID', 'CONFIRMED'],
    ['SHIPPED', 'PENDING'],
  ])('409 INVALID_STATE from %s to %s', async (from, to) => {
    const { authorization, order } = await h.orderIn(from);
    const res = await h.setAdminStatus(order.id, to);
    expect(res.status).toBe(409);
    expect(res.data.error.code).toBe('INVALID_STATE');
    expect((await h.read(authorization, order.id)).status).toBe(from);
  });

  it('403 FORBIDDEN for a customer, even the owner; 401 without a token', async () => {
    const { authorization, order } = await h.orderIn('CONFIRMED');
    const res = await h.http.patch(`/api/orders/${order.id}/status`, { status: 'SHIPPED' }, { headers: { Authorization: authorization } });
    expect(res.status).toBe(403);
    expect(res.data.error.code).toBe('FORBIDDEN');
    expect((await h.http.patch(`/api/orders/${order.id}/status`, { status: 'SHIPPED' })).status).toBe(401);
  });

  it('400 for an unknown status, 404 for an unknown order', async () => {
    const { order } = await h.orderIn('CONFIRMED');
    expect((await h.setAdminStatus(order.id, 'LOST')).status).toBe(400);
    expect((await h.setAdminStatus('5b0e3c57-3e8e-4b8a-9d7e-2f1f0c9a7b61', 'SHIPPED')).status).toBe(404);
  });
});

describe('PATCH /internal/orders/:id/status (services)', () => {
  it('confirms a PAID order; the same request again is a 200 no-op', async () => {
    const { authorization, order } = await h.orderIn('PAID');
    const first = await h.setInternalStatus(order.id, 'CONFIRMED');
    expect(first.status).toBe(200);
    expect(first.data.status).toBe('CONFIRMED');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await h.setInternalStatus(order.id, 'CONFIRMED');
    expect(again.status).toBe(200);
    expect(again.data).toEqual(first.data);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(statuses(await h.read(authorization, order.id))).toEqual(['PENDING', 'PAID', 'CONFIRMED']);
    expect(await h.outboxTypes(order.id)).toEqual(['order.created', 'order.paid', 'order.confirmed']);
    await h.events.expectTypes(order.id, ['order.created', 'order.paid', 'order.confirmed']);
  });

  it('refunds a PAID order that could not get its stock, recording the refund and the reason', async () => {
    const { authorization, order } = await h.orderIn('PAID');
    const res = await h.setInternalStatus(order.id, 'REFUNDED', 'OUT_OF_STOCK');
    expect(res.status).toBe(200);
    expect(res.data.status).toBe('REFUNDED');
    expect(res.data.history.at(-1)).toMatchObject({ status: 'REFUNDED', reason: 'OUT_OF_STOCK' });
    const [charge, refund] = res.data.payments;
    expect(refund).toMatchObject({ kind: 'refund', status: 'succeeded', amount: charge.amount, currency: charge.currency, reference: expect.stringMatching(/^re_/) });
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    const again = await h.setInternalStatus(order.id, 'REFUNDED', 'OUT_OF_STOCK');
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await h.read(authorization, order.id)).payments).toHaveLength(2);
    expect(await h.outboxTypes(order.id)).toEqual(['order.created', 'order.paid', 'order.refunded']);
    const events = await h.events.expectTypes(order.id, ['order.created', 'order.paid', 'order.refunded']);
    expect(events[2].body.data).toMatchObject({ previousStatus: 'PAID', status: 'REFUNDED', reason: 'OUT_OF_STOCK' });
  });

  it.each([
    ['PENDING', 'CONFIRMED'],
    ['PAYMENT_FAILED', 'CONFIRMED'],
    ['CONFIRMED', 'REFUNDED'],
    ['REFUNDED', 'CONFIRMED'],
    ['CANCELLED', 'CONFIRMED'],
    ['SHIPPED', 'CONFIRMED'],
    ['PAID', 'SHIPPED'],
    ['PAID', 'CANCELLED'],
    ['PAID', 'PAID'],
  ])('409 INVALID_STATE from %s to %s', async (from, to) => {
    const { authorization, order } = await h.orderIn(from);
    const res = await h.setInternalStatus(order.id, to);
    expect(res.status).toBe(409);
    expect(res.data.error.code).toBe('INVALID_STATE');
    expect((await h.read(authorization, order.id)).status).toBe(from);
  });

  it('401 without the internal token or with a wrong one', async () => {
    const { order } = await h.orderIn('PAID');
    const url = `${h.internalUrl}/internal/orders/${order.id}/status`;
    const none = await axios.patch(url, { status: 'CONFIRMED' }, { validateStatus: () => true });
    const wrong = await axios.patch(url, { status: 'CONFIRMED' }, { validateStatus: () => true, headers: { 'X-Internal-Token': 'guess-guess-guess-guess' } });
    expect([none.status, wrong.status]).toEqual([401, 401]);
    expect(none.data.error.code).toBe('INTERNAL_TOKEN_INVALID');
  });

  it('404 for an unknown order, 400 for a bad body', async () => {
    expect((await h.setInternalStatus('5b0e3c57-3e8e-4b8a-9d7e-2f1f0c9a7b61', 'CONFIRMED')).status).toBe(404);
    const { order } = await h.orderIn('PAID');
    expect((await h.internal.patch(`/internal/orders/${order.id}/status`, { status: 'confirmed' })).status).toBe(400);
  });

  it('is served on the internal port only', async () => {
    const { order } = await h.orderIn('PAID');
    const res = await h.http.patch(`/internal/orders/${order.id}/status`, { status: 'CONFIRMED' }, { headers: { 'X-Internal-Token': 'order-service-test-internal-token' } });
    expect(res.status).toBe(404);
    expect((await h.internal.get('/api/orders')).status).toBe(404);
  });
});
