import { z } from 'zod';
import { commonConfig, env } from '@ecommerce/service-kit';

export const configSchema = z.object({
  ...commonConfig({ port: 3001, internalPort: 4001 }),
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  /** HS256 key: at least 256 bits. */
  JWT_SECRET: env.secret(32),
  ADMIN_EMAIL: z.email(),
  ADMIN_PASSWORD: env.secret(12),
});

export type UserServiceConfig = z.infer<typeof configSchema>;
