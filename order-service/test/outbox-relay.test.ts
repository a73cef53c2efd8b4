import { EventEmitter } from 'node:events';
import amqp from 'amqplib';
import { BrokerUnavailableError, type RabbitBroker } from '@ecommerce/service-kit';
import { eventually, startTcpProxy, testRabbitUrl, type TcpProxy } from '@ecommerce/service-kit/testing';
import { OutboxRepository } from '../src/data-access/outbox.repository';
import { brokerToNowhere, relayFor } from './support/relays';
import { startOrderService, type OrderServiceHarness } from './support/order-service-harness';

const pending = async (h: OrderServiceHarness) =>
  ((await h.dataSource.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')) as { n: number }[])[0].n;

const eventIds = async (h: OrderServiceHarness) => ((await h.dataSource.query('SELECT id FROM outbox ORDER BY created_at')) as { id: string }[]).map((r) => r.id);

describe('the outbox relay while RabbitMQ is unreachable', () => {
  let h: OrderServiceHarness;
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy(testRabbitUrl());
    h = await startOrderService({ name: 'outage', rabbitUrl: (vhostUrl) => proxy.urlFor(vhostUrl) });
  });
  afterAll(async () => {
    await h?.close();
    await proxy?.close();
  });

  it('still takes orders and payments, and publishes every event once RabbitMQ is back', async () => {
    const { authorization } = h.customer();
    const before = await h.pendingOrder(authorization);
    await h.events.expectTypes(before.id, ['order.created']);

    proxy.cut();
    await eventually(() => expect(h.broker.isConnected()).toBe(false));
    const orders = [];
    for (let i = 0; i < 3; i++) {
      const order = await h.pendingOrder(authorization);
      const paid = await h.pay(authorization, order.id);
      expect(paid.status).toBe(200);
      orders.push(order.id);
    }
    expect((await h.pay(authorization, before.id)).status).toBe(200);
    const degraded = await h.http.get('/readyz');
    expect(degraded.status).toBe(200); // still taking orders: the outbox holds the events
    expect(degraded.data.checks.rabbitmq).toBe('degraded');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await pending(h)).toBe(7);
    for (const id of orders) expect(h.events.forOrder(id)).toEqual([]);

    proxy.restore();
    for (const id of orders) await h.events.expectTypes(id, ['order.created', 'order.paid'], 15_000);
    await h.events.expectTypes(before.id, ['order.created', 'order.paid']);
    await eventually(async () => expect(await pending(h)).toBe(0)); // marked right after RabbitMQ confirms
    const ids = await eventIds(h);
    const received = h.events.received.filter((e) => ids.includes(e.body.id)).map((e) => e.body.id);
    expect(received.sort()).toEqual([...ids].sort());
    const recovered = await h.http.get('/readyz');
    expect(recovered.status).toBe(200);
    expect(recovered.data.checks.rabbitmq).toBe('ok');
  });
});

describe('outbox relays running side by side', () => {
  let h: OrderServiceHarness;
  beforeAll(async () => { h = await startOrderService({ name: 'relays', workers: false }); });
  afterAll(() => h?.close());

  it('publish each event exactly once between them', async () => {
    const { authorization } = h.customer();
    const orders = await Promise.all(Array.from({ length: 20 }, () => h.pendingOrder(authorization)));
    await Promise.all(orders.map((o) => h.pay(authorization, o.id)));
    expect(await pending(h)).toBe(40);

    // Each relay publishes over its own connection, as two replicas would.
    const brokers = [h.extraBroker('a'), h.extraBroker('b')];
    const relays = brokers.map((broker) => relayFor(h.dataSource, broker, { batchSize: 3 }));
    for (const broker of brokers) broker.start();
    await Promise.all(brokers.map((broker) => broker.waitUntilConnected(5000)));
    for (const r of relays) r.relay.start();
    try {
      await eventually(async () => expect(await pending(h)).toBe(0), 15_000);
    } finally {
      await Promise.all(relays.map((r) => r.relay.stop()));
    }

    const ids = await eventIds(h);
    await eventually(() => expect(h.events.received.filter((e) => ids.includes(e.body.id))).toHaveLength(40));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const received = h.events.received.map((e) => e.body.id).filter((id) => ids.includes(id));
    expect(received.sort()).toEqual([...ids].sort());
    const published = await Promise.all(relays.map(async (r) => (await r.metrics.eventsPublished.get()).values.reduce((sum, v) => sum + v.value, 0)));
    expect(published[0] + published[1]).toBe(40);
    expect(published[0]).toBeGreaterThan(0);
    expect(published[1]).toBeGreaterThan(0);
  });
});

describe('an event a consumer must act on, which no queue takes yet', () => {
  let h: OrderServiceHarness;
  const exchange = 'orders.nobody-listens'; // in the harness's own vhost: no queue is bound to it
  beforeAll(async () => { h = await startOrderService({ name: 'unroutable', workers: false }); });
  afterAll(() => h?.close());

  it('stays in the outbox with its error and a later attempt, and goes out once a queue is bound', async () => {
    const { authorization } = h.customer();
    const order = await h.pendingOrder(authorization);
    expect((await h.pay(authorization, order.id)).status).toBe(200);
    const broker = await brokerToNowhere(h.rabbitUrl, `${h.brokerName}-unroutable`, exchange);
    try {
      const { relay } = relayFor(h.dataSource, broker, { exchange });
      const [created, outcome] = await relay.publishBatch();
      // order.created is a notification: nobody listening is fine, it is not kept.
      expect(created).toMatchObject({ published: true });
      expect(outcome).toMatchObject({ published: false, error: expect.stringContaining('UnroutableMessageError') });
      const [row] = await h.dataSource.query(
        "SELECT attempts, last_error, published_at, next_attempt_at > now() AS later FROM outbox WHERE routing_key = 'order.paid'",
      );
      expect(row).toMatchObject({ attempts: 1, published_at: null, later: true, last_error: expect.stringContaining('not routed') });
      expect(await relay.publishBatch()).toEqual([]);

      const connection = await amqp.connect(h.rabbitUrl);
      const channel = await connection.createChannel();
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, exchange, 'order.*');
      await new OutboxRepository(h.dataSource).retry();
      expect(await relay.publishBatch()).toEqual([{ id: outcome.id, published: true }]);
      const message = await eventually(async () => {
        const got = await channel.get(queue, { noAck: true });
        if (!got) throw new Error('not yet');
        return got;
      });
      expect(JSON.parse(message.content.toString())).toMatchObject({ type: 'order.paid', data: { orderId: order.id } });
      await connection.close();
    } finally {
      await broker.close(500);
    }
  });
});

describe('the outbox relay while RabbitMQ is connected but takes no publishes (a resource alarm, confirms that do not come)', () => {
  let h: OrderServiceHarness;
  beforeAll(async () => { h = await startOrderService({ name: 'alarm', workers: false }); });
  afterAll(() => h?.close());

  /** Connected, but every publish fails as RabbitMQ's would: not taken, or not confirmed in time. */
  class BrokerThatTakesNothing extends EventEmitter {
    taking = false;
    publishes = 0;
    /** Set to hold the next publish until `release` (which then fails it, as it began before RabbitMQ took publishes again). */
    holdNext = false;
    held?: Promise<void>;
    release = () => {};
    isConnected = () => true;
    async publish(): Promise<void> {
      this.publishes++;
      if (this.holdNext) {
        this.holdNext = false;
        await new Promise<void>((resolve) => {
          this.release = resolve;
          this.emit('held');
        });
        throw new BrokerUnavailableError('publish not confirmed within 5000 ms');
      }
      if (!this.taking) throw new BrokerUnavailableError('publish not confirmed within 5000 ms');
    }
  }

  it('backs off instead of publishing the same events again on every poll and every new event, and goes on once RabbitMQ takes them', async () => {
    const { authorization } = h.customer();
    const order = await h.pendingOrder(authorization);
    const broker = new BrokerThatTakesNothing();
    const { relay } = relayFor(h.dataSource, broker as unknown as RabbitBroker);
    const newEvents = setInterval(() => relay.wake(), 10);
    relay.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // Polling every 20 ms and woken every 10 ms, it would have published ~100 times; backing off
      // (40, 80, 160 … ms) it tries about six.
      expect(broker.publishes).toBeGreaterThan(1);
      expect(broker.publishes).toBeLessThanOrEqual(10);
      expect(await pending(h)).toBeGreaterThan(0);

      broker.taking = true;
      broker.emit('unblocked');
      await eventually(async () => expect(await pending(h)).toBe(0), 1000);
      const [row] = await h.dataSource.query("SELECT published_at IS NOT NULL AS published FROM outbox WHERE payload->'data'->>'orderId' = $1", [order.id]);
      expect(row.published).toBe(true);
    } finally {
      clearInterval(newEvents);
      await relay.stop();
    }
  });

  it('goes on at once when RabbitMQ comes back while a failing batch is still in flight, not after the backoff', async () => {
    const { authorization } = h.customer();
    await h.pendingOrder(authorization);
    const broker = new BrokerThatTakesNothing();
    const { relay } = relayFor(h.dataSource, broker as unknown as RabbitBroker);
    relay.start();
    try {
      // Failing for a while makes the next backoff long (20 ms doubling per failure: over a second by now).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const held = new Promise((resolve) => broker.once('held', resolve));
      broker.holdNext = true;
      await held;
      broker.taking = true;
      broker.emit('unblocked');
      broker.release();
      // Without the resume the backoff would have over 2.5 s left by now.
      await eventually(async () => expect(await pending(h)).toBe(0), 2000);
    } finally {
      await relay.stop();
    }
  });
});
