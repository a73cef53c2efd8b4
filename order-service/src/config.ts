import { z } from 'zod';
import { commonConfig, env } from '@ecommerce/service-kit';

export const configSchema = z.object({
  ...commonConfig({ port: 3003, internalPort: 4003 }),
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  RABBITMQ_URL: env.url(['amqp', 'amqps']),
  USER_SERVICE_URL: env.url(['http', 'https']),
  PRODUCT_SERVICE_URL: env.url(['http', 'https']),
  /** Unpaid orders older than this are cancelled with reason PAYMENT_TIMEOUT. */
  ORDER_PAYMENT_TIMEOUT: env.duration('30m'),
});

export type OrderServiceConfig = z.infer<typeof configSchema>;
