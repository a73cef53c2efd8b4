import { randomBytes } from 'node:crypto';
import type { ConsumeMessage } from 'amqplib';
import { RabbitBroker } from '@ecommerce/service-kit';
import { eventually, silentLogger, testRabbitUrl } from '@ecommerce/service-kit/testing';
import type { OrderEventBody } from '../../src/domain/order-events';

export interface ReceivedEvent {
  body: OrderEventBody;
  message: ConsumeMessage;
}

/** A throwaway queue bound to the order events exchange with `#`: everything published there is collected. */
export async function listenToOrderEvents(url = testRabbitUrl(), exchange = 'ecommerce.orders') {
  const queue = `order-service-test-${randomBytes(4).toString('hex')}`;
  const received: ReceivedEvent[] = [];
  const broker = new RabbitBroker({
    url,
    connectionName: `${queue}-listener`,
    logger: silentLogger(),
    topology: async (channel) => {
      await channel.assertExchange(exchange, 'topic', { durable: true });
      await channel.assertQueue(queue, { durable: false, arguments: { 'x-expires': 120_000 } });
      await channel.bindQueue(queue, exchange, '#');
    },
  });
  await broker.consume(queue, async (message, delivery) => {
    received.push({ body: JSON.parse(message.content.toString('utf8')) as OrderEventBody, message });
    delivery.ack();
  }, { prefetch: 100 });
  broker.start();
  await broker.waitUntilConnected(10_000);

  const forOrder = (orderId: string) => received.filter((e) => e.body.data.orderId === orderId);
  return {
    received,
    forOrder,
    /** Waits until the order's events have exactly these types, in this order. */
    async expectTypes(orderId: string, types: string[], timeoutMs = 10_000): Promise<ReceivedEvent[]> {
      return eventually(() => {
        expect(forOrder(orderId).map((e) => e.body.type)).toEqual(types);
        return forOrder(orderId);
      }, timeoutMs);
    },
    close: () => broker.close(500),
  };
}

export type OrderEventListener = Awaited<ReturnType<typeof listenToOrderEvents>>;
