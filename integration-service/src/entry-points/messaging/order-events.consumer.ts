import type { ConsumeMessage } from 'amqplib';
import { acceptRequestId, runWithContext, type Delivery, type Logger, type RabbitBroker } from '@ecommerce/service-kit';
import { InvalidEventError, parseOrderEvent } from '../../domain/order-event';
import { PermanentFailure, TransientFailure } from '../../domain/failures';
import { handleOrderEvent } from '../../domain/reconcile-order';
import type { OrderStatusPort, StockPort } from '../../domain/ports';
import { deadLetterQueueName, retryQueueName, type WorkerTopology } from './order-events.topology';
import type { WorkerMetrics } from './worker-metrics';

/** Headers the worker owns; RabbitMQ's own x-death is not relied on for counting. */
export const HEADERS = {
  attempt: 'x-attempt',
  lastError: 'x-last-error',
  reason: 'x-dead-letter-reason',
  error: 'x-failure',
  failedAt: 'x-failed-at',
  originalRoutingKey: 'x-original-routing-key',
  requestId: 'x-request-id',
} as const;

export interface ConsumerDeps {
  broker: RabbitBroker;
  topology: WorkerTopology;
  stock: StockPort;
  orders: OrderStatusPort;
  logger: Logger;
  metrics: WorkerMetrics;
  prefetch: number;
}

type DeadLetterReason = 'invalid' | 'permanent' | 'exhausted';

/** RabbitMQ's own dead-lettering history is not ours to copy onto a new message. */
function withoutBrokerHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([key]) => !/^x-(first-|last-)?death/.test(key)));
}

/**
 * Consumes order events: does the work, then acknowledges. A transient failure re-publishes the
 * message to the next retry queue (with the worker's own attempt count) before the ack; a
 * permanent one, an invalid event or the last attempt goes to the dead-letter queue with the
 * failure in its headers. Nothing is acknowledged before it is done or safely handed on.
 */
export class OrderEventsConsumer {
  constructor(private readonly deps: ConsumerDeps) {}

  start(): Promise<void> {
    return this.deps.broker.consume(this.deps.topology.queue, (message, delivery) => this.onMessage(message, delivery), {
      prefetch: this.deps.prefetch,
    });
  }

  private onMessage(message: ConsumeMessage, delivery: Delivery): Promise<void> {
    const requestId = acceptRequestId(message.properties.headers?.[HEADERS.requestId]);
    return runWithContext({ requestId }, () => this.process(message, delivery));
  }

  private async process(message: ConsumeMessage, delivery: Delivery): Promise<void> {
    const { logger, metrics, topology } = this.deps;
    const attempt = Number(message.properties.headers?.[HEADERS.attempt] ?? 0);
    const stop = metrics.duration.startTimer();
    let type = 'unknown';
    try {
      const event = parseOrderEvent(message.content);
      type = event.type;
      const outcome = await handleOrderEvent(event, this.deps.stock, this.deps.orders);
      delivery.ack();
      metrics.processed.inc({ type, outcome });
      stop({ type, result: outcome });
      logger.info({ eventId: event.id, type, orderId: event.data.orderId, outcome, attempt }, 'order event handled');
      return;
    } catch (err) {
      const failure = err as Error;
      if (err instanceof TransientFailure && attempt < topology.retryDelaysMs.length) {
        const delay = topology.retryDelaysMs[attempt];
        await this.handOn(message, delivery, retryQueueName(topology, delay), {
          [HEADERS.attempt]: attempt + 1,
          [HEADERS.lastError]: failure.message,
        });
        metrics.retried.inc({ type });
        stop({ type, result: 'retried' });
        logger.warn({ type, attempt: attempt + 1, retryInMs: delay, err: failure.message }, 'order event failed, retrying');
        return;
      }
      const reason: DeadLetterReason =
        err instanceof InvalidEventError ? 'invalid' : err instanceof TransientFailure ? 'exhausted' : 'permanent';
      if (!(err instanceof InvalidEventError || err instanceof PermanentFailure || err instanceof TransientFailure)) {
        logger.error({ err }, 'unexpected error handling an order event');
      }
      await this.handOn(message, delivery, deadLetterQueueName(topology), {
        [HEADERS.attempt]: attempt,
        [HEADERS.reason]: reason,
        [HEADERS.error]: failure.message,
        [HEADERS.failedAt]: new Date().toISOString(),
      });
      metrics.deadLettered.inc({ reason });
      stop({ type, result: 'dead-lettered' });
      logger.error({ type, reason, attempt, err: failure.message }, 'order event dead-lettered');
    }
  }

  /**
   * Publishes a copy (confirmed by RabbitMQ) to another queue, then acks the original. If the
   * copy cannot be published the original is left unacknowledged and comes back later.
   */
  private async handOn(message: ConsumeMessage, delivery: Delivery, queue: string, headers: Record<string, unknown>): Promise<void> {
    const { properties, fields } = message;
    try {
      await this.deps.broker.publish('', queue, message.content, {
        mandatory: true,
        messageId: properties.messageId,
        contentType: properties.contentType ?? 'application/json',
        headers: {
          ...withoutBrokerHeaders(properties.headers),
          [HEADERS.originalRoutingKey]: properties.headers?.[HEADERS.originalRoutingKey] ?? fields.routingKey,
          ...headers,
        },
      });
      delivery.ack();
    } catch (err) {
      this.deps.logger.error({ err: (err as Error).message, queue }, 'could not hand a message on; it will be redelivered');
      delivery.nack(true);
    }
  }
}
