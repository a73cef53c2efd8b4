import axios, { type AxiosInstance } from 'axios';
import { Lifecycle, type Logger } from '@ecommerce/service-kit';
import { createTestDatabase, silentLogger, startTestServer, type TestDatabase } from '@ecommerce/service-kit/testing';
import type { DataSource } from 'typeorm';
import type { Sessions } from '../../src/domain/sessions';
import { createUserServiceApp, type UserServiceDeps } from '../../src/app';
import { createDataSource } from '../../src/data-access/data-source';
import { prepareDatabase } from '../../src/start-up';

export const JWT_SECRET = 'test-jwt-secret-that-is-at-least-32-bytes-long';
export const INTERNAL_TOKEN = 'test-internal-token-0123456789';
export const ADMIN = { email: 'Admin@Example.com', password: 'admin-password-for-tests' };

export interface RunningUserService {
  db: TestDatabase;
  dataSource: DataSource;
  sessions: Sessions;
  /** Public port: axios that never throws on a status. */
  api: AxiosInstance;
  /** Internal port, without the internal token (set it per request). */
  internal: AxiosInstance;
  publicUrl: string;
  internalUrl: string;
  close(): Promise<void>;
}

/** A migrated throwaway database, the first admin, and both apps listening on loopback ports. */
export async function startUserService(
  options: {
    prefix?: string;
    policy?: UserServiceDeps['policy'];
    logger?: Logger;
    /** Another replica: share this database (the first instance drops it). */
    replicaOf?: RunningUserService;
    passwords?: UserServiceDeps['passwords'];
    /** The URL the service connects with, given the test database's (e.g. through a proxy). */
    connectVia?: (databaseUrl: string) => string;
  } = {},
): Promise<RunningUserService> {
  const logger = options.logger ?? silentLogger();
  const db = options.replicaOf?.db ?? (await createTestDatabase(options.prefix ?? 'users'));
  const dataSource = createDataSource(options.connectVia ? options.connectVia(db.url) : db.url);
  await dataSource.initialize();
  await prepareDatabase(dataSource, logger, ADMIN);
  const apps = createUserServiceApp({
    config: { JWT_SECRET, INTERNAL_API_TOKEN: INTERNAL_TOKEN },
    logger,
    lifecycle: new Lifecycle(logger),
    dataSource,
    policy: options.policy,
    passwords: options.passwords,
  });
  const pub = await startTestServer(apps.publicApp);
  const internal = await startTestServer(apps.internalApp);
  const client = (baseURL: string) => axios.create({ baseURL, validateStatus: () => true });
  return {
    db,
    dataSource,
    sessions: apps.sessions,
    api: client(pub.url),
    internal: client(internal.url),
    publicUrl: pub.url,
    internalUrl: internal.url,
    close: async () => {
      await pub.close(100);
      await internal.close(100);
      await dataSource.destroy();
      if (!options.replicaOf) await db.drop();
    },
  };
}

let counter = 0;
/** A unique, valid email for one test. */
export const uniqueEmail = (label = 'user') => `${label}.${process.pid}.${Date.now()}.${++counter}@example.com`;

export const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

/** Registers a customer and signs in; returns the user, the password and the token pair. */
export async function signUp(api: AxiosInstance, label = 'user') {
  const email = uniqueEmail(label);
  const password = 'correct horse battery';
  const registered = await api.post('/api/users/register', { email, password, name: `Name ${label}` });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${JSON.stringify(registered.data)}`);
  const login = await api.post('/api/users/login', { email, password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.data)}`);
  return {
    user: registered.data as { id: string; email: string; name: string; role: string; createdAt: string },
    email,
    password,
    tokens: login.data as { accessToken: string; refreshToken: string; tokenType: string; expiresIn: number },
  };
}

export async function signInAsAdmin(api: AxiosInstance): Promise<string> {
  const login = await api.post('/api/users/login', ADMIN);
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.data)}`);
  return login.data.accessToken as string;
}
