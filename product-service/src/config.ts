import { z } from 'zod';
import { commonConfig, env } from '@ecommerce/service-kit';

export const configSchema = z.object({
  ...commonConfig({ port: 3002, internalPort: 4002 }),
  MONGODB_URL: env.url(['mongodb', 'mongodb+srv']),
  /** user-service's internal base URL, for /internal/verify. */
  USER_SERVICE_URL: env.url(['http', 'https']),
});

export type ProductServiceConfig = z.infer<typeof configSchema>;
