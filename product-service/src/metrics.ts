import { Counter, type ServiceMetrics } from '@ecommerce/service-kit';

/** Domain counters, on the same registry as the kit's HTTP metrics so /metrics serves them together. */
export function createDomainMetrics(metrics: ServiceMetrics) {
  const registers = [metrics.registry];
  return {
    stockMovements: new Counter({
      name: 'stock_movements_total',
      help: 'Stock commits and releases by action and result (applied, repeated, noop, rejected)',
      labelNames: ['action', 'result'] as const,
      registers,
    }),
    catalogChanges: new Counter({
      name: 'catalog_changes_total',
      help: 'Products created, updated and deleted',
      labelNames: ['change'] as const,
      registers,
    }),
    reviews: new Counter({
      name: 'product_reviews_total',
      help: 'Reviews written',
      registers,
    }),
  };
}

export type DomainMetrics = ReturnType<typeof createDomainMetrics>;
