import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface CatalogueProduct {
  id: string;
  name: string;
  price: number;
  currency: string;
  quantity: number;
  deleted?: true;
}

/**
 * A stand-in for product-service's internal port: `GET /internal/products?ids=` from an in-memory
 * catalogue, behind the internal token, over real HTTP. The real service is wired in the end-to-end tests.
 */
export async function startProductServiceDouble(internalToken: string) {
  const catalogue = new Map<string, CatalogueProduct>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || url.pathname !== '/internal/products') return send(404, { error: { code: 'NOT_FOUND', message: 'Not found' } });
    if (req.headers['x-internal-token'] !== internalToken) return send(401, { error: { code: 'INTERNAL_TOKEN_INVALID', message: 'internal token' } });
    requests.push(url.search);
    const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
    send(200, { items: ids.flatMap((id) => (catalogue.has(id) ? [catalogue.get(id)] : [])) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Adds a product (a fresh ObjectId unless given) and returns it. */
    add(product: Partial<CatalogueProduct> = {}): CatalogueProduct {
      const stored: CatalogueProduct = { id: randomBytes(12).toString('hex'), name: 'Widget', price: 1250, currency: 'EUR', quantity: 100, ...product };
      catalogue.set(stored.id, stored);
      return stored;
    },
    remove(id: string) { catalogue.set(id, { ...catalogue.get(id)!, deleted: true }); },
    /** The query string of every authorised look-up so far. */
    requests: () => [...requests],
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export type ProductServiceDouble = Awaited<ReturnType<typeof startProductServiceDouble>>;
