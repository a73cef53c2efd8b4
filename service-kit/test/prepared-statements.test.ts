import type { DataSource } from 'typeorm';
import { createPostgresDataSource, preparedStatement, queryRows } from '../src/data/postgres';
import { createTestDatabase, type TestDatabase } from '../src/testing/postgres';

describe('prepared statements', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let oneConnection: DataSource;
  const open = (poolSize: number) =>
    createPostgresDataSource({ url: db.url, entities: [], migrations: [], poolSize, applicationName: 'kit-test' }).initialize();

  beforeAll(async () => {
    db = await createTestDatabase('kit_prepared');
    // Two connections: one for a transaction, and another that the pool would hand out beside it.
    dataSource = await open(2);
    oneConnection = await open(1);
    await dataSource.query('CREATE TABLE notes (body text NOT NULL)');
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await oneConnection?.destroy();
    await db?.drop();
  });

  it('answers the rows of a named statement, which stays prepared on its connection', async () => {
    const double = preparedStatement('double_it', 'SELECT $1::int * 2 AS doubled');
    expect(await queryRows(oneConnection.manager, double, [21])).toEqual([{ doubled: 42 }]);
    expect(await queryRows(oneConnection.manager, double, [4])).toEqual([{ doubled: 8 }]);
    expect(await oneConnection.query('SELECT name, parameter_types::text[] AS types FROM pg_prepared_statements')).toEqual([
      { name: 'double_it', types: ['integer'] },
    ]);
  });

  it("runs on the transaction's own connection, so it sees what the transaction wrote and nothing survives a rollback", async () => {
    const readNotes = preparedStatement('read_notes', 'SELECT body FROM notes ORDER BY body');
    await expect(
      dataSource.transaction(async (m) => {
        await m.query(`INSERT INTO notes (body) VALUES ('uncommitted')`);
        expect(await queryRows(m, readNotes)).toEqual([{ body: 'uncommitted' }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await queryRows(dataSource.manager, readNotes)).toEqual([]);
  });

  it("rejects with PostgreSQL's error, and the connection serves the next statement", async () => {
    const broken = preparedStatement('broken', 'SELECT body FROM no_such_table');
    await expect(queryRows(dataSource.manager, broken)).rejects.toMatchObject({ code: '42P01' });
    expect(await queryRows(dataSource.manager, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
