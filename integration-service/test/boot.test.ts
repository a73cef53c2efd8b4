import path from 'node:path';
import amqp from 'amqplib';
import { describeServiceBoot, testRabbitUrl } from '@ecommerce/service-kit/testing';
import { DEFAULT_TOPOLOGY, deadLetterQueueName, retryQueueName } from '../src/entry-points/messaging/order-events.topology';

describeServiceBoot('integration-service', {
  main: path.join(__dirname, '../dist/main.js'),
  internalPort: false,
  required: ['RABBITMQ_URL', 'PRODUCT_SERVICE_URL', 'ORDER_SERVICE_URL', 'INTERNAL_API_TOKEN'],
  env: async () => ({
    RABBITMQ_URL: testRabbitUrl(),
    PRODUCT_SERVICE_URL: 'http://127.0.0.1:4002',
    ORDER_SERVICE_URL: 'http://127.0.0.1:4003',
    INTERNAL_API_TOKEN: 'boot-test-internal-token',
  }),
});

// The boot declares the production queues; remove them again so other suites' order events do
// not pile up in a queue nobody consumes during the test run (only when no consumer is attached).
afterAll(async () => {
  const connection = await amqp.connect(testRabbitUrl());
  try {
    const queues = [DEFAULT_TOPOLOGY.queue, deadLetterQueueName(DEFAULT_TOPOLOGY), ...DEFAULT_TOPOLOGY.retryDelaysMs.map((d) => retryQueueName(DEFAULT_TOPOLOGY, d))];
    for (const queue of queues) {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await channel.deleteQueue(queue, { ifUnused: true }).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
  } finally {
    await connection.close();
  }
});
