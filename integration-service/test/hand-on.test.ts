import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { Lifecycle, RabbitBroker } from '@ecommerce/service-kit';
import { captureLogger, createTestVhost, eventually, metricValue } from '@ecommerce/service-kit/testing';
import { createIntegrationService, type IntegrationService } from '../src/app';
import { deadLetterQueueName, declareTopology, retryQueueName, type WorkerTopology } from '../src/entry-points/messaging/order-events.topology';

// The worker against a real RabbitMQ (a vhost of this file's own). Its HTTP peers are a closed
// port: every call to them fails as a transient failure, and an invalid event never calls them.
const topology: WorkerTopology = { exchange: 'handon.orders', queue: 'handon.order-events', retryDelaysMs: [60_000] };
const HAND_ON_PAUSE_MS = 500;
const NOWHERE = 'http://127.0.0.1:9';

let vhost: Awaited<ReturnType<typeof createTestVhost>>;
let broker: RabbitBroker;
let worker: IntegrationService;
let admin: ChannelModel;
let channel: ConfirmChannel;
const { logger, lines } = captureLogger('integration-service');

beforeAll(async () => {
  vhost = await createTestVhost('handon');
  broker = new RabbitBroker({ url: vhost.url, connectionName: 'handon-test', logger, topology: (ch) => declareTopology(ch, topology) });
  worker = createIntegrationService({
    config: { PRODUCT_SERVICE_URL: NOWHERE, ORDER_SERVICE_URL: NOWHERE, INTERNAL_API_TOKEN: 'handon-test-internal-token' },
    logger,
    lifecycle: new Lifecycle(logger),
    broker,
    topology,
    handOnRetryDelayMs: HAND_ON_PAUSE_MS,
  });
  await worker.consumer.start();
  broker.start();
  await broker.waitUntilConnected(10_000);
  admin = await amqp.connect(vhost.url);
  channel = await admin.createConfirmChannel();
});
afterAll(async () => {
  await broker?.close(2000);
  await admin?.close();
  await vhost?.delete();
});

async function publish(content: string, headers: Record<string, unknown> = {}): Promise<string> {
  const messageId = randomUUID();
  channel.publish(topology.exchange, 'order.paid', Buffer.from(content), { persistent: true, messageId, contentType: 'application/json', headers });
  await channel.waitForConfirms();
  return messageId;
}

const metric = async (name: string) => metricValue(await worker.apps.metrics.registry.metrics(), name);
const failedHandOns = (messageId: string) => lines().filter((l) => l.msg?.toString().startsWith('could not hand a message on') && l.messageId === messageId).length;

describe('handing a failed delivery on', () => {
  it('gives a message it cannot hand on back only after a pause, counts no dead letter until one is made, then makes it', async () => {
    const dlq = deadLetterQueueName(topology);
    const deadLetteredBefore = await metric('events_dead_lettered_total');
    await channel.deleteQueue(dlq);
    const messageId = await publish('{"not": "an order event"}');
    await eventually(() => expect(failedHandOns(messageId)).toBeGreaterThanOrEqual(1));
    await new Promise((resolve) => setTimeout(resolve, 3 * HAND_ON_PAUSE_MS));
    // A pause before each return: a handful of tries, not one per turn of the event loop.
    expect(failedHandOns(messageId)).toBeLessThanOrEqual(5);
    expect(await metric('events_dead_lettered_total')).toBe(deadLetteredBefore);

    await channel.assertQueue(dlq, { durable: true });
    await eventually(async () => expect((await channel.checkQueue(dlq)).messageCount).toBe(1));
    // Counted once the copy is confirmed, which can be a moment after the queue shows it.
    await eventually(async () => expect(await metric('events_dead_lettered_total')).toBe(deadLetteredBefore + 1));
    expect(lines().find((l) => l.msg === 'order event dead-lettered')).toMatchObject({ messageId, reason: 'invalid' });
  });

  it('takes an x-attempt header it did not write for a first attempt', async () => {
    const event = {
      id: randomUUID(), type: 'order.paid', version: 1, occurredAt: new Date().toISOString(),
      data: { orderId: randomUUID(), userId: randomUUID(), status: 'PAID', previousStatus: 'PENDING', items: [{ productId: 'a'.repeat(24), quantity: 1 }], total: 100, currency: 'EUR', reason: null },
    };
    const retryQueue = retryQueueName(topology, topology.retryDelaysMs[0]);
    const deadLetters = async () => (await channel.checkQueue(deadLetterQueueName(topology))).messageCount;
    const deadBefore = await deadLetters();
    for (const attempt of ['abc', -1, 0.5]) {
      await publish(JSON.stringify(event), { 'x-attempt': attempt });
      const copy = await eventually(async () => {
        const got = await channel.get(retryQueue, { noAck: true });
        expect(got).not.toBe(false);
        return got as amqp.GetMessage;
      });
      expect(copy.properties.headers?.['x-attempt']).toBe(1);
    }
    expect(await deadLetters()).toBe(deadBefore);
  });
});
