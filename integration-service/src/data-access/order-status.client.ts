import type { AxiosInstance } from 'axios';
import { httpStatusOf } from '@ecommerce/service-kit';
import type { OrderStatusPort } from '../domain/ports';
import { classifyFailure } from './service-failure';

/** order-service's internal status API (`PATCH /internal/orders/:id/status`). */
export class OrderStatusClient implements OrderStatusPort {
  constructor(private readonly http: AxiosInstance) {}

  async setStatus(orderId: string, status: 'CONFIRMED' | 'REFUNDED', reason?: string): Promise<'done' | 'repeated' | 'moved-on'> {
    try {
      const answer = await this.http.patch(`/internal/orders/${orderId}/status`, { status, ...(reason ? { reason } : {}) });
      return answer.headers['idempotent-replayed'] === 'true' ? 'repeated' : 'done';
    } catch (err) {
      // 409: the order is no longer PAID (and not already in this status) — a late duplicate.
      if (httpStatusOf(err) === 409) return 'moved-on';
      throw classifyFailure(err, `setting order ${orderId} ${status}`);
    }
  }
}
