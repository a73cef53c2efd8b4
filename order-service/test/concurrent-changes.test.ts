import { SimulatedPaymentGateway } from '../src/domain/payments/simulated-payment-gateway';
import { startOrderService, type OrderServiceHarness } from './support/order-service-harness';

/** The simulated gateway, but every refund takes a while: long enough for a second request to queue on the row lock. */
class SlowRefunds extends SimulatedPaymentGateway {
  override async refund(...args: Parameters<SimulatedPaymentGateway['refund']>) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return super.refund(...args);
  }
}

describe('requests that queue on one order', () => {
  let h: OrderServiceHarness;
  beforeAll(async () => { h = await startOrderService({ name: 'queued', workers: false, paymentGateway: new SlowRefunds() }); });
  afterAll(() => h?.close());

  it('each answer with the whole order as the one before left it (history and payments included)', async () => {
    const { authorization } = h.customer();
    const order = await h.pendingOrder(authorization);
    expect((await h.pay(authorization, order.id)).status).toBe(200);
    const [first, second] = await Promise.all([
      h.setInternalStatus(order.id, 'REFUNDED', 'OUT_OF_STOCK'),
      new Promise((resolve) => setTimeout(resolve, 50)).then(() => h.setInternalStatus(order.id, 'REFUNDED', 'OUT_OF_STOCK')),
    ]);
    for (const res of [first, second]) {
      expect(res.status).toBe(200);
      expect(res.data.history.map((e: { status: string }) => e.status)).toEqual(['PENDING', 'PAID', 'REFUNDED']);
      expect(res.data.payments.map((p: { kind: string }) => p.kind)).toEqual(['charge', 'refund']);
    }
  });
});
