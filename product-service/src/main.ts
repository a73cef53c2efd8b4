import { createLogger, exitOnStartFailure, Lifecycle, loadConfig, retryWithBackoff, serve } from '@ecommerce/service-kit';
import { configSchema } from './config';
import { createMongoClient } from './data-access/mongo-client';
import { ensureIndexes, refreshSortNames } from './data-access/collections';
import { createProductServiceApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ service: 'product-service', level: config.LOG_LEVEL });
  const lifecycle = new Lifecycle(logger);
  lifecycle.installSignalHandlers(25_000);

  const { client, databaseName } = createMongoClient(config.MONGODB_URL);
  const db = client.db(databaseName);
  let started = false;
  const apps = createProductServiceApp({ config, logger, lifecycle, db, isStarted: () => started });
  await serve({ apps, port: config.PORT, internalPort: config.INTERNAL_PORT, lifecycle, logger });
  lifecycle.onShutdown('mongodb', 'connections', () => client.close());
  // The unique indexes are what keep reviews and stock movements exactly-once: no traffic before they exist.
  const resorted = await retryWithBackoff(
    async () => {
      await client.connect();
      await ensureIndexes(db);
      return refreshSortNames(db);
    },
    { what: 'MongoDB', logger },
  );
  if (resorted) logger.info({ products: resorted }, 'sort names brought up to the current rule');
  started = true;
  logger.info({ database: databaseName }, 'product-service started');
}

main().catch(exitOnStartFailure('product-service'));
