import { hostname } from 'node:os';
import { Lifecycle, RabbitBroker, createLogger, loadConfig, serve } from '@ecommerce/service-kit';
import { configSchema } from './config';
import { createIntegrationServiceApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ service: 'integration-service', level: config.LOG_LEVEL });
  const lifecycle = new Lifecycle(logger);
  lifecycle.installSignalHandlers(25_000);

  const broker = new RabbitBroker({ url: config.RABBITMQ_URL, connectionName: `integration-service@${hostname()}`, logger });
  const apps = createIntegrationServiceApp({ logger, lifecycle, broker });
  await serve({ apps, port: config.PORT, lifecycle, logger });
  broker.start();
  // Consumers stop and drain before the connection closes (the broker does both, in that order).
  lifecycle.onShutdown('rabbitmq', 'workers', () => broker.close(20_000));
  logger.info('integration-service started');
}

main().catch((err: unknown) => {
  process.stderr.write(`integration-service failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
