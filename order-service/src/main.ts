import { createLogger, exitOnStartFailure, Lifecycle, loadConfig, RabbitBroker, retryWithBackoff, runMigrationsExclusively, serve } from '@ecommerce/service-kit';
import { hostname } from 'node:os';
import { configSchema } from './config';
import { MIGRATION_LOCK_KEY, createDataSource } from './data-access/data-source';
import { declareOrderEventsExchange } from './entry-points/workers/outbox-relay';
import { createOrderServiceApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ service: 'order-service', level: config.LOG_LEVEL });
  const lifecycle = new Lifecycle(logger);
  lifecycle.installSignalHandlers(25_000);

  const dataSource = createDataSource(config.DATABASE_URL);
  const broker = new RabbitBroker({
    url: config.RABBITMQ_URL,
    connectionName: `order-service@${hostname()}`,
    logger,
    topology: declareOrderEventsExchange(),
  });
  let started = false;
  const service = createOrderServiceApp({ config, logger, lifecycle, dataSource, broker, isStarted: () => started });
  await serve({ apps: service, port: config.PORT, internalPort: config.INTERNAL_PORT, lifecycle, logger });
  // RabbitMQ may come and go; orders are still taken (events wait in the outbox), so it is not awaited here.
  broker.start();
  lifecycle.onShutdown('rabbitmq', 'connections', () => broker.close());
  await retryWithBackoff(() => dataSource.initialize(), { what: 'PostgreSQL', logger });
  lifecycle.onShutdown('postgres', 'connections', () => dataSource.destroy());
  await runMigrationsExclusively(dataSource, logger, MIGRATION_LOCK_KEY);
  service.startWorkers();
  lifecycle.onShutdown('outbox relay and sweeper', 'workers', () => service.stopWorkers());
  started = true;
  logger.info('order-service started');
}

main().catch(exitOnStartFailure('order-service'));
