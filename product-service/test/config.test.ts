import { ConfigError, parseConfig } from '@ecommerce/service-kit';
import { configSchema } from '../src/config';
import { createMongoClient } from '../src/data-access/mongo-client';

const base = { USER_SERVICE_URL: 'http://user-service:4001', INTERNAL_API_TOKEN: 'config-test-internal-token' };

describe('product-service configuration', () => {
  it('accepts a replica-set MONGODB_URL with several hosts and uses the database it names', () => {
    const url = 'mongodb://m0:27017,m1:27017/products_rs?replicaSet=rs0';
    expect(parseConfig(configSchema, { ...base, MONGODB_URL: url }).MONGODB_URL).toBe(url);
    expect(createMongoClient(url).databaseName).toBe('products_rs');
  });

  it('uses the products database when MONGODB_URL names none', () => {
    expect(createMongoClient('mongodb+srv://cluster.example.com/?retryWrites=true').databaseName).toBe('products');
  });

  it('refuses a MONGODB_URL that is not a MongoDB connection string', () => {
    expect(() => parseConfig(configSchema, { ...base, MONGODB_URL: 'http://m0:27017/products' })).toThrow(ConfigError);
    expect(() => parseConfig(configSchema, { ...base, MONGODB_URL: 'mongodb://' })).toThrow(
      'MONGODB_URL is invalid: must be a mongodb or mongodb+srv connection string',
    );
  });
});
