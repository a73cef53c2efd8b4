import { Counter, Histogram, type Registry } from '@ecommerce/service-kit';

export interface WorkerMetrics {
  processed: Counter<'type' | 'outcome'>;
  retried: Counter<'type'>;
  deadLettered: Counter<'reason'>;
  duration: Histogram<'type' | 'result'>;
}

export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  return {
    processed: new Counter({
      name: 'events_processed_total',
      help: 'Order events handled to the end, by type and outcome (confirmed, refunded, released, ignored)',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    retried: new Counter({
      name: 'events_retried_total',
      help: 'Order events sent to a retry queue after a transient failure',
      labelNames: ['type'],
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'events_dead_lettered_total',
      help: 'Order events moved to the dead-letter queue, by reason (invalid, permanent, exhausted)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'event_processing_seconds',
      help: 'Time to handle one delivery, by event type and result',
      labelNames: ['type', 'result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
