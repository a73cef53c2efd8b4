import path from 'node:path';
import axios from 'axios';
import { Lifecycle, runMigrationsExclusively } from '@ecommerce/service-kit';
import {
  createTestDatabase,
  freePort,
  silentLogger,
  spawnService,
  startTestServer,
  waitForHttp,
  type ServiceProcess,
  type TestDatabase,
} from '@ecommerce/service-kit/testing';
import type { DataSource } from 'typeorm';
import { createUserServiceApp } from '../src/app';
import { MIGRATION_LOCK_KEY, createDataSource } from '../src/data-access/data-source';
import { prepareDatabase } from '../src/start-up';
import { ADMIN, INTERNAL_TOKEN, JWT_SECRET } from './support/user-service-harness';

const logger = silentLogger();
const MIGRATIONS = ['CreateAccounts1735689600000', 'LoginAttemptsByClient1763769600000'];
const http = axios.create({ validateStatus: () => true });
const databases: TestDatabase[] = [];
const dataSources: DataSource[] = [];

async function freshDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase('users_startup');
  databases.push(db);
  return db;
}
async function connect(db: TestDatabase): Promise<DataSource> {
  const ds = createDataSource(db.url);
  await ds.initialize();
  dataSources.push(ds);
  return ds;
}
afterAll(async () => {
  for (const ds of dataSources) if (ds.isInitialized) await ds.destroy();
  for (const db of databases) await db.drop();
});

describe('database preparation at start-up', () => {
  it('creates the first admin once; later start-ups leave it alone', async () => {
    const ds = await connect(await freshDatabase());
    expect(await prepareDatabase(ds, logger, ADMIN)).toBe('created');
    expect(await prepareDatabase(ds, logger, { ...ADMIN, password: 'a-different-password-now' })).toBe('exists');
    const rows = await ds.query('SELECT email, role, name FROM users');
    expect(rows).toEqual([{ email: ADMIN.email.toLowerCase(), role: 'admin', name: 'Administrator' }]);
  });

  it('creates exactly one admin and applies each migration once when two replicas prepare at the same moment', async () => {
    const db = await freshDatabase();
    const [a, b] = [await connect(db), await connect(db)];
    const results = await Promise.all([prepareDatabase(a, logger, ADMIN), prepareDatabase(b, logger, ADMIN)]);
    expect(results.sort()).toEqual(['created', 'exists']);
    expect(await a.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`)).toEqual([{ n: 1 }]);
    expect(await a.query('SELECT count(*)::int AS n FROM migrations')).toEqual([{ n: MIGRATIONS.length }]);
  });

  it('applies migrations safely when they run twice concurrently, and again as a no-op', async () => {
    const db = await freshDatabase();
    const [a, b] = [await connect(db), await connect(db)];
    await Promise.all([runMigrationsExclusively(a, logger, MIGRATION_LOCK_KEY), runMigrationsExclusively(b, logger, MIGRATION_LOCK_KEY)]);
    await runMigrationsExclusively(a, logger, MIGRATION_LOCK_KEY);
    expect(await a.query('SELECT name FROM migrations ORDER BY id')).toEqual(MIGRATIONS.map((name) => ({ name })));
    const tables = await a.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
    expect(tables.map((t: { table_name: string }) => t.table_name)).toEqual(['login_attempts', 'login_attempts_by_client', 'migrations', 'refresh_tokens', 'users']);
  });

  it('leaves login_attempts as the previous release upserts it, so its replicas keep signing in during a rolling update', async () => {
    const ds = await connect(await freshDatabase());
    await runMigrationsExclusively(ds, logger, MIGRATION_LOCK_KEY);
    // An upsert keyed as the previous release keys it (by email alone), as its replicas still send.
    const previousUpsert = `INSERT INTO login_attempts AS a (email, attempts, window_started_at) VALUES ($1, 1, now())
      ON CONFLICT (email) DO UPDATE SET attempts = a.attempts + 1 RETURNING attempts`;
    expect(await ds.query(previousUpsert, ['rolling@example.com'])).toEqual([{ attempts: 1 }]);
    expect(await ds.query(previousUpsert, ['rolling@example.com'])).toEqual([{ attempts: 2 }]);
  });

  it('never promotes an existing non-admin account that holds ADMIN_EMAIL', async () => {
    const ds = await connect(await freshDatabase());
    await runMigrationsExclusively(ds, logger, MIGRATION_LOCK_KEY);
    await ds.query(`INSERT INTO users (id, email, name, role, password_hash) VALUES (gen_random_uuid(), $1, 'Squatter', 'customer', 'x')`, [
      ADMIN.email.toLowerCase(),
    ]);
    expect(await prepareDatabase(ds, logger, ADMIN)).toBe('exists');
    expect(await ds.query('SELECT role, password_hash FROM users')).toEqual([{ role: 'customer', password_hash: 'x' }]);
  });
});

describe('the app before it has started', () => {
  it('answers 503 on API routes and /readyz while /healthz already answers', async () => {
    const ds = await connect(await freshDatabase());
    const app = createUserServiceApp({
      config: { JWT_SECRET, INTERNAL_API_TOKEN: INTERNAL_TOKEN },
      logger,
      lifecycle: new Lifecycle(logger),
      dataSource: ds,
      isStarted: () => false,
    });
    const server = await startTestServer(app.publicApp);
    try {
      const res = await http.post(`${server.url}/api/users/login`, ADMIN);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      expect((await http.get(`${server.url}/healthz`)).status).toBe(200);
      const ready = await http.get(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.data.checks).toEqual({ started: 'failing', postgres: 'ok' });
    } finally {
      await server.close(100);
    }
  });
});

describe('two user-service processes starting at once on an empty database', () => {
  const main = path.join(__dirname, '../dist/main.js');
  const processes: ServiceProcess[] = [];
  afterAll(async () => {
    for (const p of processes) await p.stop('SIGTERM');
  });

  it('both become ready, exactly one admin exists, and the admin can sign in through either', async () => {
    const db = await freshDatabase();
    const ports = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const env = {
        DATABASE_URL: db.url,
        JWT_SECRET,
        INTERNAL_API_TOKEN: INTERNAL_TOKEN,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        PORT: String(port),
        INTERNAL_PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
      };
      processes.push(spawnService(main, env));
      ports.push(port);
    }
    await Promise.all(ports.map((port, i) => waitForHttp(`http://127.0.0.1:${port}/readyz`, processes[i])));
    for (const port of ports) {
      const login = await http.post(`http://127.0.0.1:${port}/api/users/login`, ADMIN);
      expect(login.status).toBe(200);
      const users = await http.get(`http://127.0.0.1:${port}/api/users`, { headers: { Authorization: `Bearer ${login.data.accessToken}` } });
      expect(users.status).toBe(200);
      expect(users.data.total).toBe(1);
      expect(users.data.items[0]).toMatchObject({ email: ADMIN.email.toLowerCase(), role: 'admin' });
    }
    for (const p of processes.splice(0)) expect(await p.stop('SIGTERM')).toBe(0);
  });
});
