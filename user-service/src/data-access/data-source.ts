import { DataSource } from 'typeorm';

/** Schema changes come only from migrations, applied at start-up; never `synchronize`. */
export function createDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    entities: [],
    migrations: [],
    extra: { max: 20, connectionTimeoutMillis: 5000 },
  });
}
