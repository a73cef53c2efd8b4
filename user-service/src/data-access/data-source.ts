import { createPostgresDataSource } from '@ecommerce/service-kit';

/** Entities and migrations of the `users` database; the schema changes only through migrations. */
export const createDataSource = (url: string) =>
  createPostgresDataSource({ url, applicationName: 'user-service', entities: [], migrations: [] });
