import path from 'node:path';
import { describeServiceBoot, testMongoUrl } from '@ecommerce/service-kit/testing';

describeServiceBoot('product-service', {
  main: path.join(__dirname, '../dist/main.js'),
  internalPort: true,
  required: ['MONGODB_URL', 'USER_SERVICE_URL', 'INTERNAL_API_TOKEN'],
  env: async () => ({
    MONGODB_URL: `${testMongoUrl()}/products_boot_test`,
    USER_SERVICE_URL: 'http://127.0.0.1:4001',
    INTERNAL_API_TOKEN: 'boot-test-internal-token',
  }),
});
