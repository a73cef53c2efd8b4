import type { Db } from 'mongodb';
import { createHttpApps, type HttpApps, type Lifecycle, type Logger } from '@ecommerce/service-kit';
import type { ProductServiceConfig } from './config';

export interface ProductServiceDeps {
  config: Pick<ProductServiceConfig, 'INTERNAL_API_TOKEN' | 'USER_SERVICE_URL'>;
  logger: Logger;
  lifecycle: Lifecycle;
  db: Db;
  isConnected: () => boolean;
}

/** Builds product-service's public and internal apps without listening (tests drive them on port 0). */
export function createProductServiceApp(deps: ProductServiceDeps): HttpApps {
  return createHttpApps({
    service: 'product-service',
    logger: deps.logger,
    lifecycle: deps.lifecycle,
    isStarted: deps.isConnected,
    readiness: { mongodb: () => deps.db.command({ ping: 1 }) },
    internalToken: deps.config.INTERNAL_API_TOKEN,
  });
}
