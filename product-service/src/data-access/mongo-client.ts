import { MongoClient } from 'mongodb';
import { ConnectionString } from 'mongodb-connection-string-url';

/** The database is the one named in MONGODB_URL's path, `products` when it names none. */
export function createMongoClient(url: string): { client: MongoClient; databaseName: string } {
  const client = new MongoClient(url, { maxPoolSize: 50, serverSelectionTimeoutMS: 5000, appName: 'product-service' });
  const path = new ConnectionString(url).pathname.replace(/^\//, '');
  return { client, databaseName: path || 'products' };
}
