import { createHttpApps, createServiceClient, type HttpApps, type Lifecycle, type Logger, type RabbitBroker } from '@ecommerce/service-kit';
import type { IntegrationServiceConfig } from './config';
import { OrderStatusClient } from './data-access/order-status.client';
import { ProductStockClient } from './data-access/product-stock.client';
import { OrderEventsConsumer } from './entry-points/messaging/order-events.consumer';
import { type WorkerTopology } from './entry-points/messaging/order-events.topology';
import { createWorkerMetrics } from './entry-points/messaging/worker-metrics';

export interface IntegrationServiceDeps {
  config: Pick<IntegrationServiceConfig, 'PRODUCT_SERVICE_URL' | 'ORDER_SERVICE_URL' | 'INTERNAL_API_TOKEN'>;
  logger: Logger;
  lifecycle: Lifecycle;
  broker: RabbitBroker;
  topology: WorkerTopology;
  /** Deliveries handled at once (RabbitMQ prefetch). */
  prefetch?: number;
  /** See ConsumerDeps.handOnRetryDelayMs. */
  handOnRetryDelayMs?: number;
}

export interface IntegrationService {
  apps: HttpApps;
  consumer: OrderEventsConsumer;
}

/**
 * Wires the worker: its HTTP surface (/healthz, /readyz, /metrics on one port) and the order
 * events consumer. Nothing connects or listens here; main.ts (or a test) starts both.
 */
export function createIntegrationService(deps: IntegrationServiceDeps): IntegrationService {
  const apps = createHttpApps({
    service: 'integration-service',
    logger: deps.logger,
    lifecycle: deps.lifecycle,
    readiness: { rabbitmq: () => deps.broker.assertConnected() },
  });
  const client = (baseURL: string) =>
    createServiceClient({ baseURL, internalToken: deps.config.INTERNAL_API_TOKEN, userAgent: 'integration-service', timeoutMs: 5000 });
  const consumer = new OrderEventsConsumer({
    broker: deps.broker,
    topology: deps.topology,
    stock: new ProductStockClient(client(deps.config.PRODUCT_SERVICE_URL)),
    orders: new OrderStatusClient(client(deps.config.ORDER_SERVICE_URL)),
    logger: deps.logger,
    metrics: createWorkerMetrics(apps.metrics.registry),
    prefetch: deps.prefetch ?? 32,
    handOnRetryDelayMs: deps.handOnRetryDelayMs,
  });
  return { apps, consumer };
}
