import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { serviceUnavailable, type Logger } from '@ecommerce/service-kit';
import type { CatalogProduct, ProductCatalog } from '../domain/ports';

const productsResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      price: z.number().int().min(0),
      currency: z.string(),
      quantity: z.number().int(),
      deleted: z.boolean().optional(),
    }),
  ),
});

/** product-service's internal batch look-up (`GET /internal/products?ids=`), one call per order. */
export class ProductCatalogClient implements ProductCatalog {
  constructor(private readonly http: AxiosInstance, private readonly logger: Logger) {}

  async findByIds(ids: string[]): Promise<CatalogProduct[]> {
    let data: unknown;
    try {
      // ObjectId hex needs no escaping; the comma list stays readable in product-service's logs.
      ({ data } = await this.http.get(`/internal/products?ids=${[...new Set(ids)].join(',')}`));
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'product-service look-up failed');
      throw serviceUnavailable('The product catalogue is unavailable, try again shortly', { cause: err });
    }
    const parsed = productsResponse.safeParse(data);
    if (!parsed.success) {
      this.logger.error({ issues: parsed.error.issues.slice(0, 5) }, 'product-service answered with an unexpected body');
      throw serviceUnavailable('The product catalogue is unavailable, try again shortly');
    }
    return parsed.data.items.map((p) => ({ ...p, id: p.id.toLowerCase(), deleted: p.deleted === true }));
  }
}
