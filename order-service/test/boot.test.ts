import path from 'node:path';
import { createTestDatabase, describeServiceBoot, testRabbitUrl, type TestDatabase } from '@ecommerce/service-kit/testing';

let db: TestDatabase | undefined;
afterAll(() => db?.drop());

describeServiceBoot('order-service', {
  main: path.join(__dirname, '../dist/main.js'),
  internalPort: true,
  required: ['DATABASE_URL', 'RABBITMQ_URL', 'USER_SERVICE_URL', 'PRODUCT_SERVICE_URL', 'INTERNAL_API_TOKEN'],
  env: async () => {
    db = await createTestDatabase('orders_boot');
    return {
      DATABASE_URL: db.url,
      RABBITMQ_URL: testRabbitUrl(),
      USER_SERVICE_URL: 'http://127.0.0.1:4001',
      PRODUCT_SERVICE_URL: 'http://127.0.0.1:4002',
      INTERNAL_API_TOKEN: 'boot-test-internal-token',
    };
  },
});
