import { randomUUID } from 'node:crypto';
import { eventually, silentLogger } from '@ecommerce/service-kit/testing';
import { PostgresOrderStore } from '../src/data-access/order.store';
import { OutboxRepository } from '../src/data-access/outbox.repository';
import type { ChargeRequest, ChargeResult, RefundRequest, RefundResult } from '../src/domain/payments/payment-gateway';
import { SimulatedPaymentGateway } from '../src/domain/payments/simulated-payment-gateway';
import { PeriodicSweeper } from '../src/entry-points/workers/payment-timeout-sweeper';
import { startOrderService, type OrderServiceHarness } from './support/order-service-harness';

/** The simulated processor, whose answer to a charge can be lost after it charged, and which can be unreachable for look-ups. */
class UnreliableProcessor extends SimulatedPaymentGateway {
  loseNextAnswer = false;
  lookupsFail = false;
  lostCharge?: ChargeResult;

  override async charge(request: ChargeRequest): Promise<ChargeResult> {
    const result = await super.charge(request);
    if (!this.loseNextAnswer) return result;
    this.loseNextAnswer = false;
    this.lostCharge = result;
    throw new Error('socket hang up');
  }

  override async findCharge(idempotencyKey: string): Promise<ChargeResult | null> {
    if (this.lookupsFail) throw new Error('connect ECONNREFUSED');
    return super.findCharge(idempotencyKey);
  }

  refundsFail = false;
  loseNextRefundAnswer = false;
  lostRefund?: RefundResult;
  /** Charges whose refund the processor refuses, as it would one it had refunded some other way. */
  readonly refusedCharges = new Set<string>();
  /** The refunds the processor really made: one per idempotency key. */
  readonly refundKeys = new Set<string>();

  override async refund(request: RefundRequest): Promise<RefundResult> {
    if (this.refundsFail) throw new Error('connect ECONNREFUSED');
    if (this.refusedCharges.has(request.chargeReference)) throw new Error('charge_already_refunded');
    const result = await super.refund(request);
    this.refundKeys.add(request.idempotencyKey);
    if (!this.loseNextRefundAnswer) return result;
    this.loseNextRefundAnswer = false;
    this.lostRefund = result;
    throw new Error('socket hang up');
  }
}

const TIMEOUT_MS = 1000;
const processor = new UnreliableProcessor();
let h: OrderServiceHarness;
beforeAll(async () => {
  h = await startOrderService({ name: 'timeout', paymentTimeout: TIMEOUT_MS, sweepIntervalMs: 100, workers: false, paymentGateway: processor });
});
afterAll(() => h?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('orders left unpaid longer than ORDER_PAYMENT_TIMEOUT', () => {
  it('are cancelled with reason PAYMENT_TIMEOUT (PENDING and PAYMENT_FAILED); paid and young orders are not', async () => {
    h.service.startWorkers();
    try {
      const { authorization } = h.customer();
      const pending = await h.pendingOrder(authorization);
      const failed = await h.pendingOrder(authorization);
      expect((await h.pay(authorization, failed.id, 'tok_chargeDeclined')).status).toBe(402);
      const paid = await h.pendingOrder(authorization);
      expect((await h.pay(authorization, paid.id)).status).toBe(200);

      for (const id of [pending.id, failed.id]) {
        await eventually(async () => expect((await h.read(authorization, id)).status).toBe('CANCELLED'), 5000);
        const order = await h.read(authorization, id);
        expect(order.history.at(-1)).toMatchObject({ status: 'CANCELLED', reason: 'PAYMENT_TIMEOUT' });
      }
      // Two sweeps or so, leaving most of the timeout as margin for a slow read.
      const young = await h.pendingOrder(authorization);
      await sleep(TIMEOUT_MS / 5);
      expect((await h.read(authorization, young.id)).status).toBe('PENDING');
      expect((await h.read(authorization, paid.id)).status).toBe('PAID');

      const [, event] = await h.events.expectTypes(pending.id, ['order.created', 'order.cancelled']);
      expect(event.body.data).toMatchObject({ status: 'CANCELLED', previousStatus: 'PENDING', reason: 'PAYMENT_TIMEOUT' });
      expect(event.message.properties.headers?.['x-request-id']).toMatch(/^sweep-/);
      await h.events.expectTypes(failed.id, ['order.created', 'order.payment_failed', 'order.cancelled']);

      const late = await h.pay(authorization, pending.id);
      expect(late.status).toBe(409);
      expect((await h.cancel(authorization, young.id)).status).toBe(200); // leaves the next test a clean slate
    } finally {
      await h.service.stopWorkers();
    }
  });

  it('are cancelled once even when several replicas sweep at the same moment', async () => {
    const { authorization } = h.customer();
    const orders = await Promise.all(Array.from({ length: 10 }, () => h.pendingOrder(authorization)));
    await sleep(TIMEOUT_MS + 100);
    const sweepers = Array.from({ length: 3 }, () => new PeriodicSweeper({
      store: new PostgresOrderStore(h.dataSource),
      gateway: processor,
      outbox: new OutboxRepository(h.dataSource),
      logger: silentLogger(),
      paymentTimeoutMs: TIMEOUT_MS,
    }));
    const results = await Promise.all(sweepers.map((s) => s.sweepOnce()));
    expect(results.reduce((sum, r) => sum + r.cancelled, 0)).toBe(10);
    const rows = await h.dataSource.query(
      `SELECT o.id, o.status,
         (SELECT count(*)::int FROM order_history WHERE order_id = o.id AND status = 'CANCELLED') AS entries,
         (SELECT count(*)::int FROM outbox WHERE payload->'data'->>'orderId' = o.id::text AND routing_key = 'order.cancelled') AS events
       FROM orders o WHERE o.id = ANY($1)`,
      [orders.map((o) => o.id)],
    );
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row).toMatchObject({ status: 'CANCELLED', entries: 1, events: 1 });
  });

  it('are PAID instead when the processor took the money but its answer was lost and the customer never tried again', async () => {
    const { authorization } = h.customer();
    const order = await h.pendingOrder(authorization);
    processor.loseNextAnswer = true;
    expect((await h.pay(authorization, order.id)).status).toBe(503);
    expect((await h.read(authorization, order.id)).status).toBe('PENDING');

    await sleep(TIMEOUT_MS + 100);
    expect(await h.service.sweeper.sweepOnce()).toMatchObject({ paid: 1, cancelled: 0, unsettled: 0 });
    const settled = await h.read(authorization, order.id);
    expect(settled.status).toBe('PAID');
    expect(settled.history.map((entry: { status: string }) => entry.status)).toEqual(['PENDING', 'PAID']);
    const charges = await h.dataSource.query("SELECT status, gateway_reference AS reference, amount::int AS amount FROM payments WHERE order_id = $1 AND kind = 'charge'", [order.id]);
    expect(charges).toEqual([{ status: 'succeeded', reference: processor.lostCharge?.reference, amount: order.total }]);
    expect(await h.outboxTypes(order.id)).toEqual(['order.created', 'order.paid']);
  });

  it('wait for the next sweep while the processor cannot be asked whether it charged them, then are cancelled', async () => {
    const { authorization } = h.customer();
    const order = await h.pendingOrder(authorization);
    await sleep(TIMEOUT_MS + 100);
    processor.lookupsFail = true;
    try {
      expect(await h.service.sweeper.sweepOnce()).toMatchObject({ cancelled: 0, paid: 0, unsettled: 1 });
      expect((await h.read(authorization, order.id)).status).toBe('PENDING');
    } finally {
      processor.lookupsFail = false;
    }
    expect(await h.service.sweeper.sweepOnce()).toMatchObject({ cancelled: 1, unsettled: 0 });
    expect((await h.read(authorization, order.id)).status).toBe('CANCELLED');
  });

  it('the same sweep forgets idempotency keys older than 24 hours and keeps younger ones', async () => {
    const userId = randomUUID();
    await h.dataSource.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES
         ($1, 'old', 'h', now() - interval '25 hours'), ($1, 'recent', 'h', now() - interval '23 hours')`,
      [userId],
    );
    await h.service.sweeper.sweepOnce();
    const keys = await h.dataSource.query('SELECT key FROM idempotency_keys WHERE user_id = $1', [userId]);
    expect(keys).toEqual([{ key: 'recent' }]);
  });
});

describe('POST /api/orders/:id/cancel of an unpaid order', () => {
  it('makes it PAID and answers 409 when the processor took the money but its answer was lost, so the money is not kept for a cancelled order', async () => {
    const { authorization } = h.customer();
    const order = await h.pendingOrder(authorization);
    processor.loseNextAnswer = true;
    expect((await h.pay(authorization, order.id)).status).toBe(503);

    const res = await h.cancel(authorization, order.id);
    expect(res.status).toBe(409);
    expect(res.data.error).toMatchObject({ code: 'INVALID_STATE', details: [{ current: 'PAID', requested: 'CANCELLED' }] });
    const paid = await h.read(authorization, order.id);
    expect(paid.status).toBe('PAID');
    expect(paid.payments).toEqual([expect.objectContaining({ kind: 'charge', status: 'succeeded', amount: order.total, reference: processor.lostCharge?.reference })]);
    expect(await h.outboxTypes(order.id)).toEqual(['order.created', 'order.paid']);
  });

  it('answers 503 and changes nothing while the processor cannot say whether it charged the order', async () => {
    const { authorization } = h.customer();
    const order = await h.pendingOrder(authorization);
    processor.lookupsFail = true;
    try {
      const res = await h.cancel(authorization, order.id);
      expect([res.status, res.data.error.code]).toEqual([503, 'PAYMENT_GATEWAY_UNAVAILABLE']);
      expect((await h.read(authorization, order.id)).status).toBe('PENDING');
    } finally {
      processor.lookupsFail = false;
    }
    expect((await h.cancel(authorization, order.id)).data).toMatchObject({ status: 'CANCELLED', payments: [] });
  });
});

describe('refunds owed: a cancel or REFUNDED move commits first, its refund follows', () => {
  const refundsOf = (order: { payments: { kind: string }[] }) => order.payments.filter((p) => p.kind === 'refund');

  it('cancels a CONFIRMED order at once while the processor cannot refund, and the next sweep refunds it once', async () => {
    const { authorization, order } = await h.orderIn('CONFIRMED');
    processor.refundsFail = true;
    try {
      const res = await h.cancel(authorization, order.id);
      expect(res.status).toBe(200);
      expect(res.data.status).toBe('CANCELLED');
      expect(refundsOf(res.data)).toEqual([]);
      expect((await h.service.sweeper.sweepOnce()).refundsWaiting).toBe(1);
    } finally {
      processor.refundsFail = false;
    }
    expect((await h.service.sweeper.sweepOnce()).refundsGiven).toBe(1);
    const refunded = await h.read(authorization, order.id);
    expect(refundsOf(refunded)).toEqual([expect.objectContaining({ status: 'succeeded', amount: order.total, reference: expect.stringMatching(/^re_/) })]);
    expect((await h.service.sweeper.sweepOnce()).refundsGiven).toBe(0);
    expect(await h.outboxTypes(order.id)).toEqual(['order.created', 'order.paid', 'order.confirmed', 'order.cancelled']);
  });

  it('records a refund whose answer was lost when the sweep asks again, without refunding twice', async () => {
    const { authorization, order } = await h.orderIn('CONFIRMED');
    processor.loseNextRefundAnswer = true;
    const res = await h.cancel(authorization, order.id).finally(() => { processor.loseNextRefundAnswer = false; });
    expect([res.status, res.data.status, refundsOf(res.data).length]).toEqual([200, 'CANCELLED', 0]);
    const keysBefore = processor.refundKeys.size;
    await h.service.sweeper.sweepOnce();
    // The processor's refund from the lost call, recorded: not a second one.
    expect(refundsOf(await h.read(authorization, order.id))).toEqual([expect.objectContaining({ reference: processor.lostRefund?.reference })]);
    expect(processor.refundKeys.size).toBe(keysBefore);
  });

  it('tries refunds the processor keeps refusing behind the others owed one, so they hold up nobody', async () => {
    // Three refused in a row make a sweep take the processor for down; the fourth order waits for the next.
    const refused = [await h.orderIn('CONFIRMED'), await h.orderIn('CONFIRMED'), await h.orderIn('CONFIRMED')];
    const other = await h.orderIn('CONFIRMED');
    processor.refundsFail = true;
    try {
      for (const { authorization, order } of [...refused, other]) expect((await h.cancel(authorization, order.id)).status).toBe(200);
    } finally {
      processor.refundsFail = false;
    }
    for (const { authorization, order } of refused) processor.refusedCharges.add((await h.read(authorization, order.id)).payments[0].reference);
    try {
      expect(await h.service.sweeper.sweepOnce()).toMatchObject({ refundsGiven: 0, refundsWaiting: 3 });
      expect(await h.service.sweeper.sweepOnce()).toMatchObject({ refundsGiven: 1 });
      expect(refundsOf(await h.read(other.authorization, other.order.id))).toHaveLength(1);
      for (const { authorization, order } of refused) expect(refundsOf(await h.read(authorization, order.id))).toEqual([]);
    } finally {
      processor.refusedCharges.clear();
    }
    expect(await h.service.sweeper.sweepOnce()).toMatchObject({ refundsGiven: 3, refundsWaiting: 0 });
  });

  /** A paid order moved to REFUNDED (for stock) while the processor could not refund: it answers at once, with no refund yet. */
  async function refundedWhileProcessorDown() {
    const { authorization } = h.customer();
    const order = await h.pendingOrder(authorization);
    expect((await h.pay(authorization, order.id)).status).toBe(200);
    processor.refundsFail = true;
    try {
      const res = await h.setInternalStatus(order.id, 'REFUNDED', 'OUT_OF_STOCK');
      expect([res.status, res.data.status, refundsOf(res.data).length]).toEqual([200, 'REFUNDED', 0]);
    } finally {
      processor.refundsFail = false;
    }
    return { authorization, order };
  }

  it('moves a PAID order short of stock to REFUNDED at once while the processor cannot refund, and the sweep refunds it', async () => {
    const { authorization, order } = await refundedWhileProcessorDown();
    expect(await h.service.sweeper.sweepOnce()).toMatchObject({ refundsGiven: 1, refundsWaiting: 0 });
    expect(refundsOf(await h.read(authorization, order.id))).toHaveLength(1);
    const repeat = await h.setInternalStatus(order.id, 'REFUNDED', 'OUT_OF_STOCK');
    expect([repeat.status, refundsOf(repeat.data).length]).toEqual([200, 1]);
  });

  it('lets a repeated REFUNDED move that finds the refund still owed make it, and answer with it', async () => {
    const { order } = await refundedWhileProcessorDown();
    const repeat = await h.setInternalStatus(order.id, 'REFUNDED', 'OUT_OF_STOCK');
    expect([repeat.status, refundsOf(repeat.data).length]).toEqual([200, 1]);
    expect((await h.service.sweeper.sweepOnce()).refundsGiven).toBe(0);
  });
});
