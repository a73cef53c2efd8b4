import type { Db } from 'mongodb';
import {
  UserAuthenticator,
  buildOpenApiDocument,
  createHttpApps,
  createMetrics,
  createServiceClient,
  type HttpApps,
  type Lifecycle,
  type Logger,
} from '@ecommerce/service-kit';
import type { ProductServiceConfig } from './config';
import { Catalog } from './domain/catalog';
import { Reviews } from './domain/reviews';
import { Stock, type StockOptions } from './domain/stock';
import { collections } from './data-access/collections';
import { CachedProductRepository } from './data-access/cached-product.repository';
import { ReviewRepository } from './data-access/review.repository';
import { StockMovementRepository } from './data-access/stock-movement.repository';
import { productRoutes } from './entry-points/product.routes';
import { reviewRoutes } from './entry-points/review.routes';
import { internalRoutes } from './entry-points/internal.routes';
import { createDomainMetrics } from './metrics';

export interface ProductServiceDeps {
  config: Pick<ProductServiceConfig, 'INTERNAL_API_TOKEN' | 'USER_SERVICE_URL'>;
  logger: Logger;
  lifecycle: Lifecycle;
  db: Db;
  /** True once MongoDB is connected and its indexes exist (ensureIndexes): no traffic before. */
  isStarted: () => boolean;
  /** Lease timing of stock movements; tests shorten it to show crash recovery. */
  stock?: Pick<StockOptions, 'leaseMs' | 'pollMs'>;
}

/** Builds product-service's public and internal apps without listening (tests drive them on port 0). */
export function createProductServiceApp(deps: ProductServiceDeps): HttpApps {
  const { config, logger } = deps;
  const stores = collections(deps.db);
  // Product pages, listings and category counts may be answered from memory for up to a second;
  // products and listing pages take at most ~32 MiB each (the chart's memory limit is 256 Mi).
  const products = new CachedProductRepository(stores, { ttlMs: 1000, maxEntries: 10_000, maxListings: 1000, maxBytes: 32 * 2 ** 20 });
  const catalog = new Catalog(products);
  const reviews = new Reviews(new ReviewRepository(stores), products);
  const stock = new Stock(new StockMovementRepository(stores), products, {
    ...deps.stock,
    // The movement is settled by then; a marker left behind only costs a few bytes.
    onCleanupError: (err) => logger.warn({ err }, 'could not clear a stock marker'),
  });

  const auth = new UserAuthenticator({
    userService: createServiceClient({
      baseURL: config.USER_SERVICE_URL,
      internalToken: config.INTERNAL_API_TOKEN,
      userAgent: 'product-service',
      timeoutMs: 3000,
    }),
    logger,
  });

  const metrics = createMetrics('product-service');
  const domainMetrics = createDomainMetrics(metrics);
  const publicApis = [
    productRoutes({ catalog, auth, metrics: domainMetrics }),
    reviewRoutes({ reviews, auth, metrics: domainMetrics }),
  ];

  return createHttpApps({
    service: 'product-service',
    logger,
    lifecycle: deps.lifecycle,
    metrics,
    isStarted: deps.isStarted,
    readiness: { mongodb: () => deps.db.command({ ping: 1 }) },
    publicRoutes: publicApis,
    internalRoutes: [internalRoutes({ catalog, stock, metrics: domainMetrics })],
    internalToken: config.INTERNAL_API_TOKEN,
    openapi: buildOpenApiDocument(
      { title: 'product-service', version: '1.0.0', description: 'Catalog, search, categories, reviews (public port 3002)' },
      publicApis,
    ),
  });
}
