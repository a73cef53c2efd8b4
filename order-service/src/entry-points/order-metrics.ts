import { Counter, Gauge, type Logger, type ServiceMetrics } from '@ecommerce/service-kit';
import { ORDER_STATUSES } from '../domain/order';
import type { OutboxEvent } from '../domain/order-events';
import type { OutboxRepository } from '../data-access/outbox.repository';
import type { PostgresOrderStore } from '../data-access/order.store';

export interface OrderMetrics {
  eventsPublished: Counter<'type'>;
  publishFailures: Counter<'type' | 'reason'>;
  transitions: Counter<'status'>;
  /** Counts each committed status change (order.created counts as PENDING). */
  recordCommitted(events: OutboxEvent[]): void;
}

/** Domain metrics on the service's registry; the gauges read the database at scrape time. */
export function createOrderMetrics(base: ServiceMetrics, sources: { outbox: OutboxRepository; store: PostgresOrderStore; logger: Logger }): OrderMetrics {
  const registers = [base.registry];
  const scrapeFailed = (what: string) => (err: unknown) => sources.logger.warn({ err: (err as Error).message }, `could not read ${what} for /metrics`);

  new Gauge({
    name: 'outbox_backlog',
    help: 'Order events written but not yet published to RabbitMQ',
    registers,
    async collect() {
      await sources.outbox.stats().then((s) => {
        this.set(s.pending);
        oldest.set(s.oldestPendingAt ? (Date.now() - s.oldestPendingAt.getTime()) / 1000 : 0);
        failing.set(s.failing);
      }, scrapeFailed('the outbox backlog'));
    },
  });
  const oldest = new Gauge({ name: 'outbox_oldest_pending_age_seconds', help: 'Age of the oldest unpublished order event', registers });
  const failing = new Gauge({ name: 'outbox_failing', help: 'Unpublished order events whose last publish attempt failed', registers });

  new Gauge({
    name: 'orders_by_status',
    help: 'Orders in the database by current status',
    labelNames: ['status'],
    registers,
    async collect() {
      await sources.store.countByStatus().then((counts) => {
        for (const status of ORDER_STATUSES) this.set({ status }, counts[status] ?? 0);
      }, scrapeFailed('order counts'));
    },
  });

  const transitions = new Counter({ name: 'order_transitions_total', help: 'Committed order status changes by new status', labelNames: ['status'], registers });
  return {
    eventsPublished: new Counter({ name: 'events_published_total', help: 'Order events published (confirmed by RabbitMQ) by type', labelNames: ['type'], registers }),
    publishFailures: new Counter({
      name: 'events_publish_failures_total',
      help: 'Failed publish attempts of order events by type and reason (unroutable, broker)',
      labelNames: ['type', 'reason'],
      registers,
    }),
    transitions,
    recordCommitted: (events) => {
      for (const event of events) transitions.inc({ status: event.body.data.status });
    },
  };
}
