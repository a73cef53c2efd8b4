import { RabbitBroker, createMetrics } from '@ecommerce/service-kit';
import { silentLogger } from '@ecommerce/service-kit/testing';
import type { DataSource } from 'typeorm';
import { OutboxRepository } from '../../src/data-access/outbox.repository';
import { createOrderMetrics } from '../../src/entry-points/order-metrics';
import { OutboxRelay, declareOrderEventsExchange } from '../../src/entry-points/workers/outbox-relay';

/** A relay of its own over the test database, with its own metrics (retries far in the future unless said otherwise). */
export function relayFor(dataSource: DataSource, broker: RabbitBroker, options: { batchSize?: number; exchange?: string } = {}) {
  const outbox = new OutboxRepository(dataSource);
  const metrics = createOrderMetrics(createMetrics('relay-test', false), { outbox, logger: silentLogger() });
  return { relay: new OutboxRelay({ outbox, broker, logger: silentLogger(), metrics, pollIntervalMs: 20, retryBaseMs: 60_000, ...options }), metrics };
}

/** A connected broker whose topology is an exchange no queue is bound to: every mandatory publish comes back. */
export async function brokerToNowhere(url: string, connectionName: string, exchange: string): Promise<RabbitBroker> {
  const broker = new RabbitBroker({ url, connectionName, logger: silentLogger(), topology: declareOrderEventsExchange(exchange) });
  broker.start();
  await broker.waitUntilConnected(5000);
  return broker;
}
