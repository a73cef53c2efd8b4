import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server tests create their throwaway databases on (the test command provisions it). */
export const testPostgresAdminUrl = () =>
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file; drop() removes it (and any connections left in it). */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_test_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: testPostgresAdminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(testPostgresAdminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new Client({ connectionString: testPostgresAdminUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
