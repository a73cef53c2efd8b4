import { SimulatedPaymentGateway } from '../src/domain/payments/simulated-payment-gateway';
import { startOrderService, type OrderServiceHarness } from './support/order-service-harness';

/** The simulated gateway, but a charge with this token cannot reach the processor. */
const UNREACHABLE = 'tok_gatewayUnreachable';
class UnreachableForOneToken extends SimulatedPaymentGateway {
  override async charge(...args: Parameters<SimulatedPaymentGateway['charge']>) {
    if (args[0].token === UNREACHABLE) throw new Error('connect ECONNREFUSED');
    return super.charge(...args);
  }
}

let h: OrderServiceHarness;
beforeAll(async () => { h = await startOrderService({ name: 'pay', paymentGateway: new UnreachableForOneToken() }); });
afterAll(() => h?.close());

const cancel = (authorization: string, orderId: string) => h.cancel(authorization, orderId);
const read = (authorization: string, orderId: string) => h.read(authorization, orderId);
const orderIn = (status: string) => h.orderIn(status);

describe('POST /api/orders/:id/pay', () => {
  it('charges the total and answers the order PAID, with the charge and its gateway reference recorded', async () => {
    const { authorization } = h.customer();
    const order = await h.pendingOrder(authorization, 3);
    const res = await h.pay(authorization, order.id);
    expect(res.status).toBe(200);
    expect(res.data.status).toBe('PAID');
    expect(res.data.history.map((e: { status: string }) => e.status)).toEqual(['PENDING', 'PAID']);
    expect(res.data.payments).toEqual([
      expect.objectContaining({ kind: 'charge', status: 'succeeded', amount: order.total, currency: 'EUR', reference: expect.stringMatching(/^ch_/), failureReason: null }),
    ]);
    const [row] = await h.dataSource.query('SELECT amount, currency, gateway_reference FROM payments WHERE order_id = $1', [order.id]);
    expect(row).toEqual({ amount: String(order.total), currency: 'EUR', gateway_reference: res.data.payments[0].reference });
  });

  it('402 PAYMENT_DECLINED leaves the order PAYMENT_FAILED, and it can be paid again', async () => {
    const { authorization } = h.customer();
    const order = await h.pendingOrder(authorization);
    const declined = await h.pay(authorization, order.id, 'tok_chargeDeclined');
    expect(declined.status).toBe(402);
    expect(declined.data.error.code).toBe('PAYMENT_DECLINED');
    expect(declined.data.error.details[0]).toMatchObject({ reason: 'card_declined' });
    expect((await read(authorization, order.id)).status).toBe('PAYMENT_FAILED');

    const poor = await h.pay(authorization, order.id, 'tok_insufficientFunds');
    expect(poor.status).toBe(402);
    expect(poor.data.error.details[0]).toMatchObject({ reason: 'insufficient_funds' });

    const paid = await h.pay(authorization, order.id, 'tok_visa');
    expect(paid.status).toBe(200);
    expect(paid.data.status).toBe('PAID');
    expect(paid.data.history.map((e: { status: string; reason: string | null }) => [e.status, e.reason])).toEqual([
      ['PENDING', null],
      ['PAYMENT_FAILED', 'card_declined'],
      ['PAYMENT_FAILED', 'insufficient_funds'],
      ['PAID', null],
    ]);
    expect(paid.data.payments.map((p: { status: string; failureReason: string | null; reference: string }) => [p.status, p.failureReason, p.reference.slice(0, 3)])).toEqual([
      ['declined', 'card_declined', 'ch_'],
      ['declined', 'insufficient_funds', 'ch_'],
      ['succeeded', null, 'ch_'],
    ]);
  });

  it('503 PAYMENT_GATEWAY_UNAVAILABLE when the charge fails, and the order is unchanged', async () => {
    const { authorization } = h.customer();
    const order = await h.pendingOrder(authorization);
    const before = await read(authorization, order.id);
    const res = await h.pay(authorization, order.id, UNREACHABLE);
    expect(res.status).toBe(503);
    expect(res.data.error.code).toBe('PAYMENT_GATEWAY_UNAVAILABLE');
    const after = await read(authorization, order.id);
    expect(after).toMatchObject({ status: 'PENDING', payments: [] });
    expect(after).toEqual(before);
  });

  it.each(['PAID', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED'])('409 INVALID_STATE when the order is %s', async (status) => {
    const { authorization, order } = await orderIn(status);
    const res = await h.pay(authorization, order.id);
    expect(res.status).toBe(409);
    expect(res.data.error.code).toBe('INVALID_STATE');
  });

  it('charges once when the same order is paid five times at once', async () => {
    const { authorization } = h.customer();
    const order = await h.pendingOrder(authorization);
    const results = await Promise.all(Array.from({ length: 5 }, () => h.pay(authorization, order.id)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const [{ n }] = await h.dataSource.query("SELECT count(*)::int AS n FROM payments WHERE order_id = $1 AND kind = 'charge'", [order.id]);
    expect(n).toBe(1);
  });

  it("404 for another customer's order, 403 FORBIDDEN for an admin, who can see it, and the order stays unpaid", async () => {
    const { authorization, order } = await orderIn('PENDING');
    expect((await h.pay(h.customer().authorization, order.id)).status).toBe(404);
    const byAdmin = await h.pay(h.admin().authorization, order.id);
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.data.error.code).toBe('FORBIDDEN');
    expect((await read(authorization, order.id)).status).toBe('PENDING');
  });

  it.each([
    ['another payment type', { paymentMethod: { type: 'paypal', token: 'tok_visa' } }],
    ['no token', { paymentMethod: { type: 'card' } }],
    ['no payment method', {}],
  ])('400 VALIDATION_FAILED for %s', async (_case, body) => {
    const { authorization } = h.customer();
    const order = await h.pendingOrder(authorization);
    const res = await h.http.post(`/api/orders/${order.id}/pay`, body, { headers: { Authorization: authorization } });
    expect(res.status).toBe(400);
    expect(res.data.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('POST /api/orders/:id/cancel', () => {
  it.each(['PENDING', 'PAYMENT_FAILED'])('cancels a %s order for its owner, without any refund', async (status) => {
    const { authorization, order } = await orderIn(status);
    const res = await cancel(authorization, order.id);
    expect(res.status).toBe(200);
    expect(res.data.status).toBe('CANCELLED');
    expect(res.data.history.at(-1)).toMatchObject({ status: 'CANCELLED', reason: 'CANCELLED_BY_CUSTOMER' });
    expect(res.data.payments.filter((p: { kind: string }) => p.kind === 'refund')).toEqual([]);
  });

  it('refunds a CONFIRMED order and announces order.cancelled with previousStatus CONFIRMED', async () => {
    const { authorization, order } = await orderIn('CONFIRMED');
    const res = await cancel(authorization, order.id);
    expect(res.status).toBe(200);
    expect(res.data.status).toBe('CANCELLED');
    const [charge, refund] = res.data.payments;
    expect(refund).toMatchObject({ kind: 'refund', status: 'succeeded', amount: charge.amount, currency: 'EUR', reference: expect.stringMatching(/^re_/) });
    const events = await h.events.expectTypes(order.id, ['order.created', 'order.paid', 'order.confirmed', 'order.cancelled']);
    expect(events[3].body.data).toMatchObject({ status: 'CANCELLED', previousStatus: 'CONFIRMED', items: [{ productId: expect.any(String), quantity: 2 }] });
  });

  it("lets an admin cancel anyone's order", async () => {
    const { order } = await orderIn('PENDING');
    const res = await cancel(h.admin().authorization, order.id);
    expect(res.status).toBe(200);
    expect(res.data.history.at(-1)).toMatchObject({ status: 'CANCELLED', reason: 'CANCELLED_BY_ADMIN' });
  });

  it("404 for another customer's order", async () => {
    const { order } = await orderIn('PENDING');
    expect((await cancel(h.customer().authorization, order.id)).status).toBe(404);
  });

  it.each(['PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED'])('409 INVALID_STATE from %s, and nothing changes', async (status) => {
    const { authorization, order } = await orderIn(status);
    const before = await read(authorization, order.id);
    const res = await cancel(authorization, order.id);
    expect(res.status).toBe(409);
    expect(res.data.error.code).toBe('INVALID_STATE');
    expect(await read(authorization, order.id)).toEqual(before);
  });
});
