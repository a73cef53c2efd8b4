import { randomUUID } from 'node:crypto';
import { handleOrderEvent, type Outcome } from '../src/domain/reconcile-order';
import { InvalidEventError, parseOrderEvent, type OrderEvent } from '../src/domain/order-event';
import type { OrderStatusPort, StockPort } from '../src/domain/ports';

// Pure rules of the worker, with in-memory ports (the real services are exercised in worker.test.ts).
class MemoryStock implements StockPort {
  readonly calls: string[] = [];
  constructor(private readonly shortOf = new Set<string>()) {}
  async commit(_orderId: string, productId: string, quantity: number) {
    this.calls.push(`commit ${productId} ${quantity}`);
    return this.shortOf.has(productId) ? 'insufficient' : 'committed';
  }
  async release(_orderId: string, productId: string, quantity: number) {
    this.calls.push(`release ${productId} ${quantity}`);
  }
}

class MemoryOrders implements OrderStatusPort {
  readonly moves: string[] = [];
  constructor(private readonly answer: 'done' | 'repeated' | 'moved-on' = 'done') {}
  async setStatus(_orderId: string, status: string, reason?: string) {
    this.moves.push(reason ? `${status} ${reason}` : status);
    return this.answer;
  }
}

const P1 = 'a'.repeat(24);
const P2 = 'b'.repeat(24);

function event(type: OrderEvent['type'], items: { productId: string; quantity: number }[], previousStatus?: string): OrderEvent {
  return {
    id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(),
    data: { orderId: randomUUID(), userId: randomUUID(), status: type === 'order.paid' ? 'PAID' : 'CANCELLED', previousStatus, items, total: 100, currency: 'EUR' },
  };
}

describe('reconciling order events', () => {
  it('confirms a paid order once every line is committed', async () => {
    const stock = new MemoryStock();
    const orders = new MemoryOrders();
    const outcome: Outcome = await handleOrderEvent(event('order.paid', [{ productId: P1, quantity: 2 }, { productId: P2, quantity: 1 }]), stock, orders);
    expect(outcome).toBe('confirmed');
    expect(stock.calls.sort()).toEqual([`commit ${P1} 2`, `commit ${P2} 1`]);
    expect(orders.moves).toEqual(['CONFIRMED']);
  });

  it('releases every line and refunds with OUT_OF_STOCK when one line is short', async () => {
    const stock = new MemoryStock(new Set([P2]));
    const orders = new MemoryOrders();
    const outcome = await handleOrderEvent(event('order.paid', [{ productId: P1, quantity: 2 }, { productId: P2, quantity: 5 }]), stock, orders);
    expect(outcome).toBe('refunded');
    expect(stock.calls.filter((c) => c.startsWith('release')).sort()).toEqual([`release ${P1} 2`, `release ${P2} 5`]);
    expect(orders.moves).toEqual(['REFUNDED OUT_OF_STOCK']);
  });

  it('commits two lines of one product as one commit of their sum', async () => {
    const stock = new MemoryStock();
    await handleOrderEvent(event('order.paid', [{ productId: P1, quantity: 2 }, { productId: P1, quantity: 3 }]), stock, new MemoryOrders());
    expect(stock.calls).toEqual([`commit ${P1} 5`]);
  });

  it('never releases stock when a late duplicate finds the order already past PAID', async () => {
    const stock = new MemoryStock();
    const outcome = await handleOrderEvent(event('order.paid', [{ productId: P1, quantity: 1 }]), stock, new MemoryOrders('moved-on'));
    expect(outcome).toBe('ignored');
    expect(stock.calls).toEqual([`commit ${P1} 1`]);
  });

  it.each([['CONFIRMED', []], ['REFUNDED', [P1]]] as const)(
    'counts a duplicate that finds the order already %s as ignored, not as a second settlement',
    async (_status, short) => {
      const outcome = await handleOrderEvent(event('order.paid', [{ productId: P1, quantity: 1 }]), new MemoryStock(new Set(short)), new MemoryOrders('repeated'));
      expect(outcome).toBe('ignored');
    },
  );

  it('releases the stock of a cancelled order that was CONFIRMED', async () => {
    const stock = new MemoryStock();
    const orders = new MemoryOrders();
    const outcome = await handleOrderEvent(event('order.cancelled', [{ productId: P1, quantity: 4 }], 'CONFIRMED'), stock, orders);
    expect(outcome).toBe('released');
    expect(stock.calls).toEqual([`release ${P1} 4`]);
    expect(orders.moves).toEqual([]);
  });

  it.each(['PENDING', 'PAYMENT_FAILED', undefined])('leaves stock alone when a cancelled order was %s', async (previous) => {
    const stock = new MemoryStock();
    expect(await handleOrderEvent(event('order.cancelled', [{ productId: P1, quantity: 1 }], previous), stock, new MemoryOrders())).toBe('ignored');
    expect(stock.calls).toEqual([]);
  });
});

describe('parsing order events', () => {
  const valid = event('order.paid', [{ productId: P1, quantity: 1 }]);

  it('accepts a contract event', () => {
    expect(parseOrderEvent(Buffer.from(JSON.stringify(valid)))).toEqual(valid);
  });

  it.each([
    ['not JSON', Buffer.from('{oops')],
    ['another event type', Buffer.from(JSON.stringify({ ...valid, type: 'order.shipped' }))],
    ['a fractional quantity', Buffer.from(JSON.stringify({ ...valid, data: { ...valid.data, items: [{ productId: P1, quantity: 1.5 }] } }))],
    ['no items', Buffer.from(JSON.stringify({ ...valid, data: { ...valid.data, items: [] } }))],
    ['a bad order id', Buffer.from(JSON.stringify({ ...valid, data: { ...valid.data, orderId: '42' } }))],
  ])('refuses %s', (_what, body) => {
    expect(() => parseOrderEvent(body)).toThrow(InvalidEventError);
  });
});
