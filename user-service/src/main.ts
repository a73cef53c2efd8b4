import { Lifecycle, createLogger, loadConfig, retryWithBackoff, serve } from '@ecommerce/service-kit';
import { configSchema } from './config';
import { createDataSource } from './data-access/data-source';
import { createUserServiceApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ service: 'user-service', level: config.LOG_LEVEL });
  const lifecycle = new Lifecycle(logger);
  lifecycle.installSignalHandlers(25_000);

  const dataSource = createDataSource(config.DATABASE_URL);
  const apps = createUserServiceApp({ config, logger, lifecycle, dataSource });
  // Listen first so liveness holds while PostgreSQL comes up; readiness stays 503 until it does.
  await serve({ apps, port: config.PORT, internalPort: config.INTERNAL_PORT, lifecycle, logger });
  await retryWithBackoff(() => dataSource.initialize(), { what: 'PostgreSQL', logger });
  lifecycle.onShutdown('postgres', 'connections', () => dataSource.destroy());
  logger.info('user-service started');
}

main().catch((err: unknown) => {
  process.stderr.write(`user-service failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
