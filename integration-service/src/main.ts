import { hostname } from 'node:os';
import { createLogger, exitOnStartFailure, Lifecycle, loadConfig, RabbitBroker, serve } from '@ecommerce/service-kit';
import { configSchema } from './config';
import { createIntegrationService } from './app';
import { DEFAULT_TOPOLOGY, declareTopology } from './entry-points/messaging/order-events.topology';

async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ service: 'integration-service', level: config.LOG_LEVEL });
  const lifecycle = new Lifecycle(logger);
  lifecycle.installSignalHandlers(25_000);

  const topology = DEFAULT_TOPOLOGY;
  const broker = new RabbitBroker({
    url: config.RABBITMQ_URL,
    connectionName: `integration-service@${hostname()}`,
    logger,
    topology: (channel) => declareTopology(channel, topology),
  });
  const { apps, consumer } = createIntegrationService({ config, logger, lifecycle, broker, topology });
  await serve({ apps, port: config.PORT, lifecycle, logger });
  await consumer.start();
  broker.start();
  // The broker stops taking deliveries, lets handlers in flight finish, then closes.
  lifecycle.onShutdown('rabbitmq', 'workers', () => broker.close(20_000));
  logger.info('integration-service started');
}

main().catch(exitOnStartFailure('integration-service'));
