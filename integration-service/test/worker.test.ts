import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { eventually, metricValue } from '@ecommerce/service-kit/testing';
import { DeadLetterTool } from '../src/entry-points/messaging/dead-letter-tool';
import { DEFAULT_TOPOLOGY } from '../src/entry-points/messaging/order-events.topology';
import { Stack } from './support/stack';
import { startFaultProxy } from './support/fault-proxy';

// End to end with real processes: user-, product-, order- and integration-service, PostgreSQL,
// FerretDB and a RabbitMQ vhost of this file's own.
jest.setTimeout(120_000);

const stack = new Stack();
beforeAll(() => stack.start(), 90_000);
afterAll(() => stack.stop());

async function publishOrderEvent(routingKey: string, body: unknown): Promise<void> {
  const connection = await amqp.connect(stack.rabbitUrl);
  try {
    const channel = await connection.createConfirmChannel();
    const content = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    channel.publish('ecommerce.orders', routingKey, content, { persistent: true, messageId: randomUUID(), contentType: 'application/json' });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

const paidEvent = (orderId: string, items: { productId: string; quantity: number }[]) => ({
  id: randomUUID(), type: 'order.paid', version: 1, occurredAt: new Date().toISOString(),
  data: { orderId, userId: randomUUID(), status: 'PAID', previousStatus: 'PENDING', items, total: 1000, currency: 'EUR', reason: null },
});

async function waitForStatus(customer: string, orderId: string, status: string, timeoutMs = 30_000) {
  return eventually(async () => {
    const order = await stack.order(customer, orderId);
    expect(order.status).toBe(status);
    return order;
  }, timeoutMs, 100);
}

/** order.paid events the worker has handled to the end, in all and confirmed, from one read of its /metrics. */
async function paidEventsHandled(): Promise<{ all: number; confirmed: number }> {
  const text = (await stack.http.get(`${stack.url('integration-service')}/metrics`)).data as string;
  return {
    all: metricValue(text, 'events_processed_total', { type: 'order.paid' }),
    confirmed: metricValue(text, 'events_processed_total', { type: 'order.paid', outcome: 'confirmed' }),
  };
}

async function deadLetters() {
  const tool = await DeadLetterTool.connect(stack.rabbitUrl, DEFAULT_TOPOLOGY);
  try {
    return await tool.list();
  } finally {
    await tool.close();
  }
}

describe('the worker between order-service and product-service', () => {
  it('confirms a paid order and takes its stock once', async () => {
    const customer = await stack.customer();
    const product = await stack.createProduct(10);
    const orderId = await stack.paidOrder(customer, [{ productId: product, quantity: 3 }]);
    const order = await waitForStatus(customer, orderId, 'CONFIRMED');
    expect(order.history.map((h) => h.status)).toEqual(['PENDING', 'PAID', 'CONFIRMED']);
    expect(await stack.stockOf(product)).toBe(7);
  });

  it('releases the first item and refunds when the second is short', async () => {
    const customer = await stack.customer();
    const plenty = await stack.createProduct(10);
    const scarce = await stack.createProduct(2);
    const orderId = await stack.createOrder(customer, [{ productId: plenty, quantity: 4 }, { productId: scarce, quantity: 2 }]);
    // Another customer takes the scarce stock between this order's creation and its payment.
    const rival = await stack.customer();
    await waitForStatus(rival, await stack.paidOrder(rival, [{ productId: scarce, quantity: 2 }]), 'CONFIRMED');
    await stack.pay(customer, orderId);
    const order = await waitForStatus(customer, orderId, 'REFUNDED');
    expect(order.history.at(-1)).toMatchObject({ status: 'REFUNDED', reason: 'OUT_OF_STOCK' });
    expect(await stack.stockOf(plenty)).toBe(10);
    expect(await stack.stockOf(scarce)).toBe(0);
  });

  it('ignores three duplicate deliveries of a handled paid event', async () => {
    const customer = await stack.customer();
    const product = await stack.createProduct(5);
    const confirmedAtStart = (await paidEventsHandled()).confirmed;
    const orderId = await stack.paidOrder(customer, [{ productId: product, quantity: 2 }]);
    await waitForStatus(customer, orderId, 'CONFIRMED');
    // The worker counts its confirmation after order-service has answered: wait for that count too.
    const before = await eventually(async () => {
      const counts = await paidEventsHandled();
      expect(counts.confirmed).toBe(confirmedAtStart + 1);
      return counts;
    }, 15_000, 100);
    const duplicate = paidEvent(orderId, [{ productId: product, quantity: 2 }]);
    for (let i = 0; i < 3; i++) await publishOrderEvent('order.paid', duplicate);
    // Wait until the worker has really handled all three, so "nothing changed" means something.
    await eventually(async () => expect((await paidEventsHandled()).all).toBe(before.all + 3), 15_000, 100);
    // Counted as what they were: no new confirmation.
    expect((await paidEventsHandled()).confirmed).toBe(before.confirmed);
    expect(await stack.stockOf(product)).toBe(3);
    const order = await stack.order(customer, orderId);
    expect(order.history.filter((h) => h.status === 'CONFIRMED')).toHaveLength(1);
    expect(order.status).toBe('CONFIRMED');
  });

  it('dead-letters an invalid event at once and a permanent failure with its reason', async () => {
    await publishOrderEvent('order.paid', '{"not": "an order event"}');
    const unknownProduct = 'f'.repeat(24);
    const orphan = paidEvent(randomUUID(), [{ productId: unknownProduct, quantity: 1 }]);
    await publishOrderEvent('order.paid', orphan);
    const letters = await eventually(async () => {
      const found = await deadLetters();
      expect(found.map((d) => d.reason).sort()).toEqual(expect.arrayContaining(['invalid', 'permanent']));
      return found;
    }, 15_000, 200);
    const permanent = letters.find((d) => d.reason === 'permanent')!;
    expect(permanent.orderId).toBe(orphan.data.orderId);
    expect(permanent.error).toContain('404');
    expect(permanent.attempts).toBe(0);
  });

  it('rides out product-service answering 503 for a while, then confirms', async () => {
    const proxy = await startFaultProxy(stack.internalUrl('product-service'));
    try {
      await stack.stopService('integration-service');
      stack.productUrlForWorker = proxy.url;
      await stack.startWorker();
      const customer = await stack.customer();
      const product = await stack.createProduct(4);
      proxy.state.failing = true;
      const orderId = await stack.paidOrder(customer, [{ productId: product, quantity: 1 }]);
      await eventually(() => expect(proxy.state.refused).toBeGreaterThan(0), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await stack.order(customer, orderId)).status).toBe('PAID');
      proxy.state.failing = false;
      await waitForStatus(customer, orderId, 'CONFIRMED', 30_000);
      expect(await stack.stockOf(product)).toBe(3);
    } finally {
      await stack.stopService('integration-service');
      stack.productUrlForWorker = undefined;
      await stack.startWorker();
      await proxy.close();
    }
  });

  // One product per order: FerretDB (the test server without a real MongoDB) does not apply an
  // update atomically, so concurrent commits on one product document could lose decrements there.
  // Per-order products still show "stock moved exactly once per order", order by order.
  it('survives SIGKILL in the middle of 200 paid orders: each confirmed once, stock moved once per order', async () => {
    const customers = await Promise.all(Array.from({ length: 4 }, () => stack.customer()));
    const products: string[] = [];
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (products.length < 200) products.push(await stack.createProduct(5));
    }));
    const orders: { customer: string; id: string; productId: string }[] = [];
    let next = 0;
    let killed = false;
    const pay = async () => {
      while (next < 200) {
        const i = next++;
        const customer = customers[i % customers.length];
        orders.push({ customer, productId: products[i], id: await stack.paidOrder(customer, [{ productId: products[i], quantity: 2 }]) });
        if (!killed && orders.length >= 60) {
          killed = true;
          await stack.stopService('integration-service', 'SIGKILL');
          await stack.startWorker();
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, pay));
    expect(killed).toBe(true);
    expect(orders).toHaveLength(200);
    for (const { customer, id, productId } of orders) {
      const order = await waitForStatus(customer, id, 'CONFIRMED', 90_000);
      expect(order.history.filter((h) => h.status === 'CONFIRMED')).toHaveLength(1);
      expect(await stack.stockOf(productId)).toBe(3);
    }
    // 200 orders made and paid, then read one by one: more than the file's two minutes on a busy machine.
  }, 300_000);
});
