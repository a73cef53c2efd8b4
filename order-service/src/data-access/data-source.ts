import { createPostgresDataSource } from '@ecommerce/service-kit';

/** Entities and migrations of the `orders` database; the schema changes only through migrations. */
export const createDataSource = (url: string) =>
  createPostgresDataSource({ url, applicationName: 'order-service', entities: [], migrations: [] });
