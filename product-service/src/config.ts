import { z } from 'zod';
import { ConnectionString } from 'mongodb-connection-string-url';
import { commonConfig, env } from '@ecommerce/service-kit';

/** Parsed as the driver does: a WHATWG URL refuses several hosts (`mongodb://m0,m1/products?replicaSet=rs0`). */
const mongoUrl = z.string().refine(
  (value) => {
    try {
      new ConnectionString(value);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a mongodb or mongodb+srv connection string' },
);

export const configSchema = z.object({
  ...commonConfig({ port: 3002, internalPort: 4002 }),
  MONGODB_URL: mongoUrl,
  /** user-service's internal base URL, for /internal/verify. */
  USER_SERVICE_URL: env.url(['http', 'https']),
});

export type ProductServiceConfig = z.infer<typeof configSchema>;
