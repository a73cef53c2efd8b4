import { z } from 'zod';
import { env } from '@ecommerce/service-kit';

export const configSchema = z.object({
  /** Health and metrics only; the worker has no API. */
  PORT: env.port(3004),
  LOG_LEVEL: env.logLevel(),
  RABBITMQ_URL: env.url(['amqp', 'amqps']),
  PRODUCT_SERVICE_URL: env.url(['http', 'https']),
  ORDER_SERVICE_URL: env.url(['http', 'https']),
  INTERNAL_API_TOKEN: env.headerSecret(16),
});

export type IntegrationServiceConfig = z.infer<typeof configSchema>;
