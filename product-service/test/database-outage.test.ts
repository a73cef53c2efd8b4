import { ConnectionString } from 'mongodb-connection-string-url';
import { eventually, startTcpProxy, testMongoUrl, type TcpProxy } from '@ecommerce/service-kit/testing';
import { createMongoClient } from '../src/data-access/mongo-client';
import { startProductService, type ProductService } from './harness';

// MongoDB behind a TCP hop the test can cut, reached with the service's own client settings
// (server selection gives up after 5 s), as a database that restarts or fails over. A hop stands
// in for one plain mongodb:// server only: not for a replica set's several hosts, SRV or TLS.
const configured = new ConnectionString(testMongoUrl());
const plainServer = !configured.isSRV && configured.hosts.length === 1 && !['tls', 'ssl'].some((option) => configured.searchParams.get(option) === 'true');
const SKIP_REASON = 'skipped: MONGODB_URL names several hosts, SRV or TLS, which a TCP hop in front of one server cannot stand in for';

let proxy: TcpProxy;
let svc: ProductService;
beforeAll(async () => {
  if (!plainServer) return;
  proxy = await startTcpProxy(testMongoUrl());
  const url = new URL(proxy.urlFor(testMongoUrl()));
  url.searchParams.set('directConnection', 'true');
  svc = await startProductService({ mongoClient: createMongoClient(url.toString()).client });
});
afterAll(async () => {
  proxy?.restore();
  await svc?.close();
  await proxy?.close();
});

describe('product-service while MongoDB is unreachable', () => {
  if (!plainServer) console.warn(`database outage test ${SKIP_REASON}`);
  (plainServer ? it : it.skip)('answers a catalog search with 503 SERVICE_UNAVAILABLE and Retry-After, not 500, and serves it again once MongoDB is back', async () => {
    const product = await svc.createProduct();
    const listing = () => svc.api.get(`/api/products?category=${encodeURIComponent(product.category)}&q=${Date.now()}`);
    expect((await listing()).status).toBe(200);

    proxy.cut();
    const during = await listing();
    expect(during.status).toBe(503);
    expect(during.headers['retry-after']).toBe('1');
    expect(during.data).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: 'A store this service needs is unreachable, try again shortly' } });

    proxy.restore();
    await eventually(async () => expect((await listing()).status).toBe(200));
  }, 30_000);
});
