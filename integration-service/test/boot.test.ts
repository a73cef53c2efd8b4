import path from 'node:path';
import { describeServiceBoot, testRabbitUrl } from '@ecommerce/service-kit/testing';

describeServiceBoot('integration-service', {
  main: path.join(__dirname, '../dist/main.js'),
  internalPort: false,
  required: ['RABBITMQ_URL', 'PRODUCT_SERVICE_URL', 'ORDER_SERVICE_URL', 'INTERNAL_API_TOKEN'],
  env: async () => ({
    RABBITMQ_URL: testRabbitUrl(),
    PRODUCT_SERVICE_URL: 'http://127.0.0.1:4002',
    ORDER_SERVICE_URL: 'http://127.0.0.1:4003',
    INTERNAL_API_TOKEN: 'boot-test-internal-token',
  }),
});
