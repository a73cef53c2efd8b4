import { randomUUID } from 'node:crypto';
import { eventually } from '@ecommerce/service-kit/testing';
import { ADDRESS, startOrderService, type OrderServiceHarness } from './support/order-service-harness';

let h: OrderServiceHarness;
beforeAll(async () => { h = await startOrderService({ name: 'events' }); });
afterAll(() => h?.close());

describe('order events on the ecommerce.orders exchange', () => {
  it('publishes one event per transition, with the contract’s body and AMQP properties', async () => {
    const { authorization, user } = h.customer();
    const admin = h.admin().authorization;
    const product = h.products.add({ price: 700, currency: 'EUR' });
    const requestIds: string[] = [];
    const as = (auth: string) => {
      const requestId = `req-${randomUUID()}`;
      requestIds.push(requestId);
      return { headers: { Authorization: auth, 'X-Request-Id': requestId } };
    };
    const internalWith = () => {
      const requestId = `req-${randomUUID()}`;
      requestIds.push(requestId);
      return { headers: { 'X-Request-Id': requestId } };
    };

    const created = await h.http.post('/api/orders', { items: [{ productId: product.id, quantity: 3 }], shippingAddress: ADDRESS }, as(authorization));
    const orderId = created.data.id as string;
    const pay = (token: string) => h.http.post(`/api/orders/${orderId}/pay`, { paymentMethod: { type: 'card', token } }, as(authorization));
    expect((await pay('tok_chargeDeclined')).status).toBe(402);
    expect((await pay('tok_visa')).status).toBe(200);
    expect((await h.internal.patch(`/internal/orders/${orderId}/status`, { status: 'CONFIRMED' }, internalWith())).status).toBe(200);
    expect((await h.http.patch(`/api/orders/${orderId}/status`, { status: 'SHIPPED' }, as(admin))).status).toBe(200);
    expect((await h.http.patch(`/api/orders/${orderId}/status`, { status: 'DELIVERED' }, as(admin))).status).toBe(200);

    const events = await h.events.expectTypes(orderId, [
      'order.created',
      'order.payment_failed',
      'order.paid',
      'order.confirmed',
      'order.shipped',
      'order.delivered',
    ]);
    const transitions = [
      ['PENDING', null, null],
      ['PAYMENT_FAILED', 'PENDING', 'card_declined'],
      ['PAID', 'PAYMENT_FAILED', null],
      ['CONFIRMED', 'PAID', null],
      ['SHIPPED', 'CONFIRMED', null],
      ['DELIVERED', 'SHIPPED', null],
    ];
    const history = (await h.read(authorization, orderId)).history as { at: string }[];
    events.forEach(({ body, message }, i) => {
      const [status, previousStatus, reason] = transitions[i];
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        type: message.fields.routingKey,
        version: 1,
        occurredAt: history[i].at,
        data: { orderId, userId: user.userId, status, previousStatus, items: [{ productId: product.id, quantity: 3 }], total: 2100, currency: 'EUR', reason },
      });
      expect(message.fields.exchange).toBe('ecommerce.orders');
      expect(message.properties).toMatchObject({ messageId: body.id, contentType: 'application/json', deliveryMode: 2 });
      expect(message.properties.headers?.['x-request-id']).toBe(requestIds[i]);
    });
  });

  it('announces cancellations and refunds with their reasons', async () => {
    const cancelled = await h.orderIn('CANCELLED');
    const [, event] = await h.events.expectTypes(cancelled.order.id, ['order.created', 'order.cancelled']);
    expect(event.body.data).toMatchObject({ status: 'CANCELLED', previousStatus: 'PENDING', reason: 'CANCELLED_BY_CUSTOMER' });

    const refunded = await h.orderIn('REFUNDED');
    const [, , refund] = await h.events.expectTypes(refunded.order.id, ['order.created', 'order.paid', 'order.refunded']);
    expect(refund.body.data).toMatchObject({ status: 'REFUNDED', previousStatus: 'PAID', reason: 'OUT_OF_STOCK' });
  });

  it('publishes nothing for a refused move or a no-op repeat', async () => {
    const { authorization, order } = await h.orderIn('CONFIRMED');
    expect((await h.pay(authorization, order.id)).status).toBe(409);
    expect((await h.setInternalStatus(order.id, 'CONFIRMED')).status).toBe(200);
    expect(await h.outboxTypes(order.id)).toEqual(['order.created', 'order.paid', 'order.confirmed']);
    await h.events.expectTypes(order.id, ['order.created', 'order.paid', 'order.confirmed']);
  });

  it('marks published rows and reports the backlog and counters on /metrics', async () => {
    await h.orderIn('PAID');
    await eventually(async () => {
      const [{ n }] = await h.dataSource.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
      expect(n).toBe(0);
    });
    const metrics = (await h.http.get('/metrics')).data as string;
    expect(metrics).toMatch(/^outbox_backlog\{[^}]*\} 0$/m);
    expect(metrics).toMatch(/^events_published_total\{type="order.paid"[^}]*\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^order_transitions_total\{status="PAID"[^}]*\} [1-9]\d*$/m);
  });
});
