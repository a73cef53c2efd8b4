module.exports = {
  testTimeout: 30000,
  projects: ['service-kit', 'user-service', 'product-service', 'order-service', 'integration-service', 'bench']
    .map((dir) => `<rootDir>/${dir}`)
    .filter((dir) => require('node:fs').existsSync(`${dir.replace('<rootDir>', __dirname)}/jest.config.js`)),
};
