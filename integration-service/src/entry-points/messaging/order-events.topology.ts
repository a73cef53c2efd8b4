import type { Channel } from 'amqplib';

/** Where the worker's messages live. Tests use their own names; production uses the defaults. */
export interface WorkerTopology {
  exchange: string;
  queue: string;
  /** One retry queue per delay; the n-th transient failure waits retryDelaysMs[n-1]. */
  retryDelaysMs: number[];
}

export const DEFAULT_TOPOLOGY: WorkerTopology = {
  exchange: 'ecommerce.orders',
  queue: 'integration-service.order-events',
  retryDelaysMs: [1_000, 5_000, 30_000, 120_000, 600_000],
};

export const ROUTING_KEYS = ['order.paid', 'order.cancelled'];

const formatDelay = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
export const retryQueueName = (t: WorkerTopology, delayMs: number) => `${t.queue}.retry.${formatDelay(delayMs)}`;
export const deadLetterQueueName = (t: WorkerTopology) => `${t.queue}.dlq`;

/**
 * Declares the exchange, the work queue and its bindings, one TTL queue per retry delay whose
 * expired messages dead-letter back into the work queue, and the dead-letter queue.
 */
export async function declareTopology(channel: Channel, t: WorkerTopology): Promise<void> {
  await channel.assertExchange(t.exchange, 'topic', { durable: true });
  await channel.assertQueue(t.queue, { durable: true });
  for (const key of ROUTING_KEYS) await channel.bindQueue(t.queue, t.exchange, key);
  for (const delay of t.retryDelaysMs) {
    await channel.assertQueue(retryQueueName(t, delay), {
      durable: true,
      arguments: { 'x-message-ttl': delay, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': t.queue },
    });
  }
  await channel.assertQueue(deadLetterQueueName(t), { durable: true });
}
