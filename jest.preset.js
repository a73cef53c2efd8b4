// Shared jest settings for every workspace: TypeScript through ts-jest (type checking is `tsc`),
// and the service kit resolved from source so a change there needs no rebuild before testing.
const path = require('node:path');

module.exports = (packageDir) => ({
  displayName: path.basename(packageDir),
  rootDir: packageDir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
  transform: {
    // tsconfig.tests.json sets isolatedModules: ts-jest only transpiles (fast); `npm run typecheck:tests` type-checks.
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.tests.json') }],
  },
  moduleNameMapper: {
    '^@ecommerce/service-kit$': path.join(__dirname, 'service-kit/src'),
    '^@ecommerce/service-kit/testing$': path.join(__dirname, 'service-kit/src/testing'),
  },
});
