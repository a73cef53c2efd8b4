import type { DataSource } from 'typeorm';
import {
  UserAuthenticator,
  buildOpenApiDocument,
  createHttpApps,
  createMetrics,
  createServiceClient,
  type HttpApps,
  type Lifecycle,
  type Logger,
  type RabbitBroker,
} from '@ecommerce/service-kit';
import type { OrderServiceConfig } from './config';
import type { OrderDeps } from './domain/ports';
import type { PaymentGateway } from './domain/payments/payment-gateway';
import { SimulatedPaymentGateway } from './domain/payments/simulated-payment-gateway';
import { failureReason } from './domain/payments/order-payments';
import { CachedOrderStore } from './data-access/cached-order.store';
import { OrderChangeListener } from './data-access/order-change-listener';
import { OutboxRepository } from './data-access/outbox.repository';
import { ProductCatalogClient } from './data-access/product-catalog.client';
import { orderRoutes } from './entry-points/http/order.routes';
import { internalOrderRoutes } from './entry-points/http/internal-order.routes';
import { createOrderMetrics } from './entry-points/order-metrics';
import { OutboxRelay, type OutboxRelayOptions } from './entry-points/workers/outbox-relay';
import { PeriodicSweeper } from './entry-points/workers/payment-timeout-sweeper';

export interface OrderServiceDeps {
  config: Pick<OrderServiceConfig, 'DATABASE_URL' | 'INTERNAL_API_TOKEN' | 'USER_SERVICE_URL' | 'PRODUCT_SERVICE_URL' | 'ORDER_PAYMENT_TIMEOUT'>;
  logger: Logger;
  lifecycle: Lifecycle;
  dataSource: DataSource;
  /** Its topology should declare the events exchange (declareOrderEventsExchange). */
  broker: RabbitBroker;
  /** The simulated card processor unless another is given. */
  paymentGateway?: PaymentGateway;
  /** Until true, the API answers 503 (main sets it once migrations ran). */
  isStarted?: () => boolean;
  relay?: Partial<Pick<OutboxRelayOptions, 'exchange' | 'batchSize' | 'pollIntervalMs' | 'maxIdleMs' | 'retryBaseMs' | 'retryMaxMs'>>;
  sweepIntervalMs?: number;
}

export interface OrderServiceApp extends HttpApps {
  relay: OutboxRelay;
  sweeper: PeriodicSweeper;
  /**
   * The outbox relay, the periodic sweeper and the order-change listener; the API works without them
   * (events wait in the outbox, order reads go to PostgreSQL every time).
   */
  startWorkers(): void;
  stopWorkers(): Promise<void>;
}

/** Builds order-service's public and internal apps and its workers without starting anything (tests drive them on port 0). */
export function createOrderServiceApp(deps: OrderServiceDeps): OrderServiceApp {
  const { config, logger } = deps;
  const metrics = createMetrics('order-service');
  // Orders are read from memory only while changes are heard (see CachedOrderStore), ~32 MiB at most.
  const store = new CachedOrderStore(deps.dataSource, { ttlMs: 5_000, maxEntries: 10_000, maxBytes: 32 * 2 ** 20 });
  const changes = new OrderChangeListener({ url: config.DATABASE_URL, logger, subscriber: store });
  const outbox = new OutboxRepository(deps.dataSource);
  const orderMetrics = createOrderMetrics(metrics, { outbox, logger });
  const client = (baseURL: string) => createServiceClient({ baseURL, internalToken: config.INTERNAL_API_TOKEN, userAgent: 'order-service', timeoutMs: 5000 });
  const auth = new UserAuthenticator({ userService: client(config.USER_SERVICE_URL), logger });
  const domain: OrderDeps = {
    store,
    catalog: new ProductCatalogClient(client(config.PRODUCT_SERVICE_URL), logger),
    gateway: deps.paymentGateway ?? new SimulatedPaymentGateway(),
    onRefundDeferred: (orderId, err) =>
      logger.warn({ orderId, err: failureReason(err) }, 'refund owed could not be made now; the sweeper tries again'),
  };

  const relay = new OutboxRelay({ outbox, broker: deps.broker, logger, metrics: orderMetrics, ...deps.relay });
  store.onEventsCommitted((events) => {
    orderMetrics.recordCommitted(events);
    for (const { id, body } of events) {
      const { orderId, status, previousStatus, reason } = body.data;
      logger.info({ orderId, status, previousStatus, reason, eventId: id }, 'order status changed');
    }
    relay.wake();
  });
  const sweeper = new PeriodicSweeper({ store, gateway: domain.gateway, outbox, logger, paymentTimeoutMs: config.ORDER_PAYMENT_TIMEOUT, intervalMs: deps.sweepIntervalMs });

  const isStarted = deps.isStarted ?? (() => deps.dataSource.isInitialized);
  const publicApi = orderRoutes(domain, auth);
  const apps = createHttpApps({
    service: 'order-service',
    logger,
    lifecycle: deps.lifecycle,
    metrics,
    isStarted,
    readiness: { postgres: () => deps.dataSource.query('SELECT 1') },
    // Orders are taken while RabbitMQ is away (events wait in the outbox), so a broker outage
    // shows as 'degraded' instead of pulling every replica out of the Service.
    informational: { rabbitmq: () => deps.broker.assertConnected() },
    publicRoutes: [publicApi],
    internalRoutes: [internalOrderRoutes(domain)],
    internalToken: config.INTERNAL_API_TOKEN,
    openapi: buildOpenApiDocument(
      { title: 'order-service', version: '1.0.0', description: 'Orders, payments and the order status machine' },
      [publicApi],
    ),
  });
  return {
    ...apps,
    relay,
    sweeper,
    startWorkers: () => {
      relay.start();
      sweeper.start();
      changes.start();
    },
    stopWorkers: async () => {
      await Promise.all([relay.stop(), sweeper.stop(), changes.stop()]);
    },
  };
}
