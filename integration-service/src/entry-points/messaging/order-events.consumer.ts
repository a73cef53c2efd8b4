import { randomUUID } from 'node:crypto';
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
  /**
   * How long a delivery whose copy could not be handed on (retry queue or DLQ missing, RabbitMQ
   * refusing publishes) waits before it goes back to the queue: it would come straight back and
   * be worked again, in a loop as fast as the worker can run.
   */
  handOnRetryDelayMs?: number;
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
    const { logger, metrics } = this.deps;
    // The worker's own count; anything else (a hand-made or foreign header) counts as a first attempt.
    const header = Number(message.properties.headers?.[HEADERS.attempt] ?? 0);
    const attempt = Number.isInteger(header) && header >= 0 ? header : 0;
    const stop = metrics.duration.startTimer();
    // Which message and order a log line is about, as far as the event could be read.
    const about: Record<string, unknown> = { messageId: message.properties.messageId };
    let type = 'unknown';
    try {
      const event = parseOrderEvent(message.content);
      type = event.type;
      Object.assign(about, { eventId: event.id, orderId: event.data.orderId });
      const outcome = await handleOrderEvent(event, this.deps.stock, this.deps.orders);
      delivery.ack();
      metrics.processed.inc({ type, outcome });
      stop({ type, result: outcome });
      logger.info({ ...about, type, outcome, attempt }, 'order event handled');
      return;
    } catch (err) {
      const failure = err as Error;
      if (!(err instanceof InvalidEventError || err instanceof PermanentFailure || err instanceof TransientFailure)) {
        logger.error({ ...about, err }, 'unexpected error handling an order event');
      }
      const next = this.nextStop(err, attempt);
      if (!(await this.handOn(message, delivery, next.queue, next.headers))) {
        stop({ type, result: 'returned' });
        return;
      }
      stop({ type, result: next.result });
      if (next.result === 'retried') {
        metrics.retried.inc({ type });
        logger.warn({ ...about, type, attempt: attempt + 1, retryInMs: next.delay, err: failure.message }, 'order event failed, retrying');
      } else {
        metrics.deadLettered.inc({ reason: next.reason });
        logger.error({ ...about, type, reason: next.reason, attempt, err: failure.message }, 'order event dead-lettered');
      }
    }
  }

  /** Where a failed delivery goes: the next retry queue while a transient failure has tries left, else the dead-letter queue. */
  private nextStop(err: unknown, attempt: number) {
    const { topology } = this.deps;
    const message = (err as Error).message;
    if (err instanceof TransientFailure && attempt < topology.retryDelaysMs.length) {
      const delay = topology.retryDelaysMs[attempt];
      const headers = { [HEADERS.attempt]: attempt + 1, [HEADERS.lastError]: message };
      return { result: 'retried' as const, queue: retryQueueName(topology, delay), headers, delay };
    }
    const reason: DeadLetterReason = err instanceof InvalidEventError ? 'invalid' : err instanceof TransientFailure ? 'exhausted' : 'permanent';
    const headers = { [HEADERS.attempt]: attempt, [HEADERS.reason]: reason, [HEADERS.error]: message, [HEADERS.failedAt]: new Date().toISOString() };
    return { result: 'dead-lettered' as const, queue: deadLetterQueueName(topology), headers, reason };
  }

  /**
   * Publishes a copy (confirmed by RabbitMQ) to another queue, then acks the original; true once
   * done. If the copy cannot be published, the original goes back to the queue after a pause
   * (handOnRetryDelayMs) and false is answered: nothing was retried or dead-lettered.
   */
  private async handOn(message: ConsumeMessage, delivery: Delivery, queue: string, headers: Record<string, unknown>): Promise<boolean> {
    const { properties, fields } = message;
    try {
      await this.deps.broker.publish('', queue, message.content, {
        mandatory: true,
        // A return is told apart by its messageId; a foreign message without one gets one.
        messageId: properties.messageId ?? randomUUID(),
        contentType: properties.contentType ?? 'application/json',
        headers: {
          ...withoutBrokerHeaders(properties.headers),
          [HEADERS.originalRoutingKey]: properties.headers?.[HEADERS.originalRoutingKey] ?? fields.routingKey,
          ...headers,
        },
      });
      delivery.ack();
      return true;
    } catch (err) {
      const pauseMs = this.deps.handOnRetryDelayMs ?? 2000;
      this.deps.logger.error(
        { err: (err as Error).message, queue, messageId: properties.messageId, retryInMs: pauseMs },
        'could not hand a message on; it goes back to the queue after a pause',
      );
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      delivery.nack(true);
      return false;
    }
  }
}
