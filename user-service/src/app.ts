import type { DataSource } from 'typeorm';
import { createHttpApps, type HttpApps, type Lifecycle, type Logger } from '@ecommerce/service-kit';
import type { UserServiceConfig } from './config';

export interface UserServiceDeps {
  config: Pick<UserServiceConfig, 'INTERNAL_API_TOKEN'>;
  logger: Logger;
  lifecycle: Lifecycle;
  dataSource: DataSource;
}

/** Builds user-service's public and internal apps without listening (tests drive them on port 0). */
export function createUserServiceApp(deps: UserServiceDeps): HttpApps {
  return createHttpApps({
    service: 'user-service',
    logger: deps.logger,
    lifecycle: deps.lifecycle,
    isStarted: () => deps.dataSource.isInitialized,
    readiness: { postgres: () => deps.dataSource.query('SELECT 1') },
    internalToken: deps.config.INTERNAL_API_TOKEN,
  });
}
