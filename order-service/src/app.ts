import type { DataSource } from 'typeorm';
import { createHttpApps, type HttpApps, type Lifecycle, type Logger, type RabbitBroker } from '@ecommerce/service-kit';
import type { OrderServiceConfig } from './config';

export interface OrderServiceDeps {
  config: Pick<OrderServiceConfig, 'INTERNAL_API_TOKEN'>;
  logger: Logger;
  lifecycle: Lifecycle;
  dataSource: DataSource;
  broker: RabbitBroker;
}

/** Builds order-service's public and internal apps without listening (tests drive them on port 0). */
export function createOrderServiceApp(deps: OrderServiceDeps): HttpApps {
  return createHttpApps({
    service: 'order-service',
    logger: deps.logger,
    lifecycle: deps.lifecycle,
    isStarted: () => deps.dataSource.isInitialized,
    readiness: {
      postgres: () => deps.dataSource.query('SELECT 1'),
      rabbitmq: () => deps.broker.assertConnected(),
    },
    internalToken: deps.config.INTERNAL_API_TOKEN,
  });
}
