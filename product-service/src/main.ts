import { Lifecycle, createLogger, loadConfig, retryWithBackoff, serve } from '@ecommerce/service-kit';
import { configSchema } from './config';
import { createMongoClient } from './data-access/mongo-client';
import { createProductServiceApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ service: 'product-service', level: config.LOG_LEVEL });
  const lifecycle = new Lifecycle(logger);
  lifecycle.installSignalHandlers(25_000);

  const { client, databaseName } = createMongoClient(config.MONGODB_URL);
  let connected = false;
  const apps = createProductServiceApp({ config, logger, lifecycle, db: client.db(databaseName), isConnected: () => connected });
  await serve({ apps, port: config.PORT, internalPort: config.INTERNAL_PORT, lifecycle, logger });
  await retryWithBackoff(() => client.connect(), { what: 'MongoDB', logger });
  connected = true;
  lifecycle.onShutdown('mongodb', 'connections', () => client.close());
  logger.info('product-service started');
}

main().catch((err: unknown) => {
  process.stderr.write(`product-service failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
