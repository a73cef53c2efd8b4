import { Counter, Gauge, type Logger, type ServiceMetrics } from '@ecommerce/service-kit';
import type { OutboxEvent } from '../domain/order-events';
import type { OutboxRepository } from '../data-access/outbox.repository';

export interface OrderMetrics {
  eventsPublished: Counter<'type'>;
  publishFailures: Counter<'type' | 'reason'>;
  /** Counts each committed status change (order.created counts as PENDING). */
  recordCommitted(events: OutboxEvent[]): void;
}

/** Domain metrics on the service's registry; the outbox gauges read the database at scrape time. */
export function createOrderMetrics(base: ServiceMetrics, sources: { outbox: OutboxRepository; logger: Logger }): OrderMetrics {
  const registers = [base.registry];

  new Gauge({
    name: 'outbox_backlog',
    help: 'Order events written but not yet published to RabbitMQ',
    registers,
    async collect() {
      await sources.outbox.stats().then((s) => {
        this.set(s.pending);
        oldest.set(s.oldestPendingAt ? (Date.now() - s.oldestPendingAt.getTime()) / 1000 : 0);
        failing.set(s.failing);
      }, (err: unknown) => sources.logger.warn({ err: (err as Error).message }, 'could not read the outbox backlog for /metrics'));
    },
  });
  const oldest = new Gauge({ name: 'outbox_oldest_pending_age_seconds', help: 'Age of the oldest unpublished order event', registers });
  const failing = new Gauge({ name: 'outbox_failing', help: 'Unpublished order events whose last publish attempt failed', registers });

  const transitions = new Counter({ name: 'order_transitions_total', help: 'Committed order status changes by new status', labelNames: ['status'], registers });
  return {
    eventsPublished: new Counter({ name: 'events_published_total', help: 'Order events published (confirmed by RabbitMQ) by type', labelNames: ['type'], registers }),
    publishFailures: new Counter({
      name: 'events_publish_failures_total',
      help: 'Failed publish attempts of order events by type and reason (unroutable, broker)',
      labelNames: ['type', 'reason'],
      registers,
    }),
    recordCommitted: (events) => {
      for (const event of events) transitions.inc({ status: event.body.data.status });
    },
  };
}
