import path from 'node:path';
import { createTestDatabase, describeServiceBoot, type TestDatabase } from '@ecommerce/service-kit/testing';

let db: TestDatabase | undefined;
afterAll(() => db?.drop());

describeServiceBoot('user-service', {
  main: path.join(__dirname, '../dist/main.js'),
  internalPort: true,
  required: ['DATABASE_URL', 'JWT_SECRET', 'INTERNAL_API_TOKEN', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'],
  env: async () => {
    db = await createTestDatabase('users_boot');
    return {
      DATABASE_URL: db.url,
      JWT_SECRET: 'boot-test-secret-that-is-at-least-32-bytes',
      INTERNAL_API_TOKEN: 'boot-test-internal-token',
      ADMIN_EMAIL: 'admin@example.com',
      ADMIN_PASSWORD: 'boot-test-admin-password',
    };
  },
});
