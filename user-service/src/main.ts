import { createLogger, exitOnStartFailure, Lifecycle, loadConfig, retryWithBackoff, serve } from '@ecommerce/service-kit';
import { configSchema } from './config';
import { createDataSource } from './data-access/data-source';
import { createUserServiceApp } from './app';
import { PasswordHasher } from './domain/password-hasher';
import { prepareDatabase } from './start-up';

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ service: 'user-service', level: config.LOG_LEVEL });
  const lifecycle = new Lifecycle(logger);
  lifecycle.installSignalHandlers(25_000);

  let started = false;
  const dataSource = createDataSource(config.DATABASE_URL);
  const passwords = new PasswordHasher();
  const app = createUserServiceApp({ config, logger, lifecycle, dataSource, passwords, isStarted: () => started });
  // Listen first so liveness holds while PostgreSQL comes up; every API route answers 503 until started.
  await serve({ apps: app, port: config.PORT, internalPort: config.INTERNAL_PORT, lifecycle, logger });
  await retryWithBackoff(() => dataSource.initialize(), { what: 'PostgreSQL', logger });
  lifecycle.onShutdown('postgres', 'connections', () => dataSource.destroy());
  await prepareDatabase(dataSource, logger, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD }, passwords);
  started = true;

  // Expired refresh tokens and finished throttling windows are useless; every replica may sweep.
  const purge = setInterval(() => {
    app.sessions.purgeExpired().then(
      (purged) => logger.debug({ purged }, 'expired sessions purged'),
      (err: unknown) => logger.warn({ err: (err as Error).message }, 'purging expired sessions failed'),
    );
  }, PURGE_INTERVAL_MS);
  purge.unref();
  lifecycle.onShutdown('session purge', 'workers', () => clearInterval(purge));
  logger.info('user-service started');
}

main().catch(exitOnStartFailure('user-service'));
