import type { AxiosInstance } from 'axios';
import { errorCodeOf, httpStatusOf } from '@ecommerce/service-kit';
import type { StockPort } from '../domain/ports';
import { classifyFailure } from './service-failure';

/** product-service's internal quantity API (`POST /internal/product/:id/quantity`). */
export class ProductStockClient implements StockPort {
  constructor(private readonly http: AxiosInstance) {}

  async commit(orderId: string, productId: string, quantity: number): Promise<'committed' | 'insufficient'> {
    try {
      await this.http.post(`/internal/product/${productId}/quantity`, { orderId, quantity, action: 'commit' });
      return 'committed';
    } catch (err) {
      if (httpStatusOf(err) === 409 && errorCodeOf(err) === 'INSUFFICIENT_STOCK') return 'insufficient';
      throw classifyFailure(err, `commit of ${productId}`);
    }
  }

  async release(orderId: string, productId: string, quantity: number): Promise<void> {
    try {
      await this.http.post(`/internal/product/${productId}/quantity`, { orderId, quantity, action: 'release' });
    } catch (err) {
      throw classifyFailure(err, `release of ${productId}`);
    }
  }
}
