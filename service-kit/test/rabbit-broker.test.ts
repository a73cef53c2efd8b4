import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import amqp, { type ConsumeMessage } from 'amqplib';
import { BrokerUnavailableError, RabbitBroker, UnroutableMessageError } from '../src';
import { dropRabbitConnection, eventually, rabbitConnectionInfo, silentLogger, testRabbitUrl } from '../src/testing';

const unique = () => randomBytes(4).toString('hex');

function brokerWithQueue(name: string, exchange: string, queue: string) {
  return new RabbitBroker({
    url: testRabbitUrl(),
    connectionName: name,
    logger: silentLogger(),
    reconnectInitialDelayMs: 50,
    reconnectMaxDelayMs: 500,
    topology: async (ch) => {
      await ch.assertExchange(exchange, 'topic', { durable: false, autoDelete: false });
      await ch.assertQueue(queue, { durable: false, autoDelete: false });
      await ch.bindQueue(queue, exchange, 'thing.#');
    },
  });
}

describe('RabbitBroker against a real RabbitMQ', () => {
  const brokers: RabbitBroker[] = [];
  const make = (...args: Parameters<typeof brokerWithQueue>) => {
    const b = brokerWithQueue(...args);
    brokers.push(b);
    return b;
  };
  afterEach(async () => {
    await Promise.all(brokers.splice(0).map((b) => b.close(500)));
  });

  it('declares its topology, publishes with confirms and delivers to a consumer', async () => {
    const id = unique();
    const broker = make(`test-basic-${id}`, `ex-${id}`, `q-${id}`);
    const received: ConsumeMessage[] = [];
    await broker.consume(`q-${id}`, async (msg, delivery) => { received.push(msg); delivery.ack(); }, { prefetch: 5 });
    broker.start();
    await broker.waitUntilConnected(5000);
    await broker.publish(`ex-${id}`, 'thing.created', Buffer.from('{"n":1}'), {
      messageId: 'm-1', contentType: 'application/json', headers: { 'x-request-id': 'r-1' },
    });
    await eventually(() => expect(received).toHaveLength(1));
    expect(received[0].properties).toMatchObject({ messageId: 'm-1', contentType: 'application/json', deliveryMode: 2 });
    expect(received[0].properties.headers).toMatchObject({ 'x-request-id': 'r-1' });
  });

  it('asks RabbitMQ for its heartbeat (amqplib reads it from the URL only)', async () => {
    const id = unique();
    const broker = new RabbitBroker({ url: testRabbitUrl(), connectionName: `test-heartbeat-${id}`, logger: silentLogger(), heartbeatSeconds: 7 });
    brokers.push(broker);
    broker.start();
    await broker.waitUntilConnected(5000);
    expect(await rabbitConnectionInfo(`test-heartbeat-${id}`, 'timeout')).toEqual(['7']);
  });

  it('refuses a mandatory publish without a messageId, whose return could not be told apart', async () => {
    const id = unique();
    const broker = make(`test-mandatory-id-${id}`, `ex-${id}`, `q-${id}`);
    broker.start();
    await broker.waitUntilConnected(5000);
    await expect(broker.publish(`ex-${id}`, 'thing.routed', Buffer.from('{}'), { mandatory: true })).rejects.toThrow('a mandatory publish needs a messageId');
  });

  it('rejects a mandatory message no queue takes, so the caller can keep it', async () => {
    const id = unique();
    const broker = make(`test-unroutable-${id}`, `ex-${id}`, `q-${id}`);
    broker.start();
    await broker.waitUntilConnected(5000);
    await expect(
      broker.publish(`ex-${id}`, 'nobody.listens', Buffer.from('{}'), { mandatory: true, messageId: `m-${id}` }),
    ).rejects.toBeInstanceOf(UnroutableMessageError);
    await expect(
      broker.publish(`ex-${id}`, 'thing.routed', Buffer.from('{}'), { mandatory: true, messageId: `m2-${id}` }),
    ).resolves.toBeUndefined();
  });

  it('fails a publish fast while not connected', async () => {
    const broker = make(`test-offline-${unique()}`, 'unused', 'unused');
    await expect(broker.publish('x', 'y', Buffer.from('{}'))).rejects.toBeInstanceOf(BrokerUnavailableError);
    expect(() => broker.assertConnected()).toThrow(BrokerUnavailableError);
  });

  it('reconnects after the broker drops the connection, restoring topology and consumers', async () => {
    const id = unique();
    const name = `test-reconnect-${id}`;
    const broker = make(name, `ex-${id}`, `q-${id}`);
    const bodies: string[] = [];
    await broker.consume(`q-${id}`, async (msg, delivery) => { bodies.push(msg.content.toString()); delivery.ack(); }, { prefetch: 1 });
    const events: string[] = [];
    broker.on('connected', () => events.push('connected'));
    broker.on('disconnected', () => events.push('disconnected'));
    broker.start();
    await broker.waitUntilConnected(5000);
    await broker.publish(`ex-${id}`, 'thing.one', Buffer.from('before'));
    await eventually(() => expect(bodies).toEqual(['before']));

    expect(await dropRabbitConnection(name)).toBe(1);
    await eventually(() => expect(events).toEqual(['connected', 'disconnected', 'connected']), 10_000);

    await broker.publish(`ex-${id}`, 'thing.two', Buffer.from('after'));
    await eventually(() => expect(bodies).toEqual(['before', 'after']));
  });

  it('consumes again after RabbitMQ cancels its consumer, declaring the deleted queue anew', async () => {
    const id = unique();
    const broker = make(`test-cancelled-${id}`, `ex-${id}`, `q-${id}`);
    const bodies: string[] = [];
    await broker.consume(`q-${id}`, async (msg, delivery) => { bodies.push(msg.content.toString()); delivery.ack(); }, { prefetch: 1 });
    broker.start();
    await broker.waitUntilConnected(5000);

    const admin = await amqp.connect(testRabbitUrl());
    // checkQueue of a queue that is not there yet closes its channel: a new channel per look.
    const consumersOf = async (queue: string) => {
      const channel = await admin.createChannel();
      channel.on('error', () => undefined);
      try {
        return (await channel.checkQueue(queue)).consumerCount;
      } finally {
        await channel.close().catch(() => undefined);
      }
    };
    try {
      await (await admin.createChannel()).deleteQueue(`q-${id}`);
      await eventually(async () => expect(await consumersOf(`q-${id}`)).toBe(1), 10_000);
    } finally {
      await admin.close();
    }
    await broker.publish(`ex-${id}`, 'thing.after', Buffer.from('after'));
    await eventually(() => expect(bodies).toEqual(['after']));
  });

  it('refuses publishes at once while RabbitMQ blocks the connection for a resource alarm, and says when it takes them again', async () => {
    const id = unique();
    const broker = make(`test-blocked-${id}`, `ex-${id}`, `q-${id}`);
    broker.start();
    await broker.waitUntilConnected(5000);
    const unblocked = new Promise((resolve) => broker.once('unblocked', resolve));
    // amqplib's own events for RabbitMQ's connection.blocked and connection.unblocked frames.
    const connection = (broker as unknown as { connection: EventEmitter }).connection;
    connection.emit('blocked', 'low on memory');
    await expect(broker.publish(`ex-${id}`, 'thing.one', Buffer.from('{}'))).rejects.toThrow('RabbitMQ is blocking publishes: low on memory');
    connection.emit('unblocked');
    await unblocked;
    await expect(broker.publish(`ex-${id}`, 'thing.one', Buffer.from('{}'))).resolves.toBeUndefined();
  });

  it('lets a handler in flight finish and ack before close returns', async () => {
    const id = unique();
    const broker = make(`test-drain-${id}`, `ex-${id}`, `q-${id}`);
    let started = false;
    let finished = false;
    await broker.consume(`q-${id}`, async (_msg, delivery) => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
      delivery.ack();
    }, { prefetch: 1 });
    broker.start();
    await broker.waitUntilConnected(5000);
    await broker.publish(`ex-${id}`, 'thing.slow', Buffer.from('slow'));
    await eventually(() => expect(started).toBe(true));
    await broker.close(5000);
    expect(finished).toBe(true);

    // The ack went through: with the connection closed, an unacknowledged message would be back
    // in the queue already, so the queue's count is exact now.
    const admin = await amqp.connect(testRabbitUrl());
    try {
      const channel = await admin.createChannel();
      expect(await channel.checkQueue(`q-${id}`)).toMatchObject({ messageCount: 0, consumerCount: 0 });
      await channel.deleteQueue(`q-${id}`);
      await channel.deleteExchange(`ex-${id}`);
    } finally {
      await admin.close();
    }
  });
});
