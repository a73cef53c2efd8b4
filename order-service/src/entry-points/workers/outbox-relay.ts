import type { Channel } from 'amqplib';
import { BrokerUnavailableError, UnroutableMessageError, type Logger, type RabbitBroker } from '@ecommerce/service-kit';
import { EVENTS_THAT_MUST_BE_ROUTED, ORDER_EVENTS_EXCHANGE, type OrderEventType } from '../../domain/order-events';
import type { OutboxRepository, OutboxRow, PublishOutcome } from '../../data-access/outbox.repository';
import type { OrderMetrics } from '../order-metrics';

/** The broker topology order-service owns: the durable topic exchange its events go to. */
export const declareOrderEventsExchange = (exchange = ORDER_EVENTS_EXCHANGE) => async (channel: Channel) => {
  await channel.assertExchange(exchange, 'topic', { durable: true });
};

export interface OutboxRelayOptions {
  outbox: OutboxRepository;
  broker: RabbitBroker;
  logger: Logger;
  metrics: OrderMetrics;
  exchange?: string;
  batchSize?: number;
  /** How often to look for new rows when nothing woke the relay (other replicas write events too). */
  pollIntervalMs?: number;
  /** Longest pause while RabbitMQ or PostgreSQL is away. */
  maxIdleMs?: number;
  /** A row that failed waits retryBaseMs × 2^(attempts-1), at most retryMaxMs, before its next attempt. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/**
 * Publishes the outbox to RabbitMQ: claims due rows, publishes them with confirms (and `mandatory`
 * for the events a consumer must act on), marks the confirmed ones published. A row RabbitMQ
 * returns (no queue bound) or that fails stays pending with its error and a growing delay. Several
 * replicas may run one each. At-least-once: a crash between confirm and commit publishes that event
 * again.
 */
export class OutboxRelay {
  private readonly exchange: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly maxIdleMs: number;
  private running?: Promise<void>;
  private stopping = false;
  private wakeUp?: () => void;
  private woken = false;
  /** Waiting out a broker failure: only RabbitMQ coming back (or stop) ends the wait early, not new events. */
  private backingOff = false;
  /** RabbitMQ came back (or stop was asked) since the last wait: the next one, even a backoff, ends at once. */
  private resumed = false;

  constructor(private readonly options: OutboxRelayOptions) {
    this.exchange = options.exchange ?? ORDER_EVENTS_EXCHANGE;
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.maxIdleMs = options.maxIdleMs ?? 5_000;
    options.broker.on('connected', () => this.resume());
    options.broker.on('unblocked', () => this.resume());
  }

  start(): void {
    this.stopping = false;
    this.running ??= this.loop().finally(() => { this.running = undefined; });
  }

  /** Look at the outbox now (a transaction has just committed events), unless RabbitMQ just failed. */
  wake(): void {
    this.woken = true;
    if (!this.backingOff) this.wakeUp?.();
  }

  private resume(): void {
    this.resumed = true;
    this.backingOff = false;
    this.wake();
  }

  /** Finishes the batch in flight, then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.resume();
    await this.running;
  }

  /** Publishes one batch of due rows; resolves the outcome of each row claimed. */
  publishBatch(): Promise<PublishOutcome[]> {
    return this.options.outbox.publishDue(this.batchSize, (rows) => this.publishRows(rows));
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let delay = this.pollIntervalMs;
      let backingOff = false;
      try {
        if (!this.options.broker.isConnected()) {
          delay = this.maxIdleMs; // the 'connected' event wakes us sooner
        } else {
          const outcomes = await this.publishBatch();
          // Counted even while the connection stands (a resource alarm, confirms that do not come):
          // publishing the same batch again at once would only pile up copies of it.
          const brokerFailed = outcomes.some((o) => !o.published && o.brokerAway);
          failures = brokerFailed ? failures + 1 : 0;
          backingOff = brokerFailed;
          if (brokerFailed) delay = this.backoff(failures);
          else if (outcomes.length === this.batchSize) delay = 0;
        }
      } catch (err) {
        failures += 1;
        backingOff = true;
        delay = this.backoff(failures);
        this.options.logger.warn({ err: (err as Error).message, retryInMs: delay }, 'outbox relay failed; backing off');
      }
      if (delay > 0) await this.sleep(delay, backingOff);
    }
  }

  private backoff(failures: number): number {
    return Math.min(this.maxIdleMs, this.pollIntervalMs * 2 ** failures);
  }

  /**
   * Waits ms, or less if woken; a wake that came while busy makes the next wait end at once. While
   * backing off only resume() ends it early.
   */
  private sleep(ms: number, backingOff: boolean): Promise<void> {
    if (this.stopping || this.resumed || (this.woken && !backingOff)) {
      this.woken = false;
      this.resumed = false;
      return Promise.resolve();
    }
    this.backingOff = backingOff;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wakeUp?.(), ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        this.resumed = false;
        this.backingOff = false;
        resolve();
      };
    });
  }

  private async publishRows(rows: OutboxRow[]): Promise<PublishOutcome[]> {
    const results = await Promise.allSettled(
      rows.map((row) =>
        this.options.broker.publish(this.exchange, row.routingKey, Buffer.from(JSON.stringify(row.payload)), {
          mandatory: EVENTS_THAT_MUST_BE_ROUTED.has(row.routingKey as OrderEventType),
          messageId: row.id,
          type: row.routingKey,
          contentType: 'application/json',
          appId: 'order-service',
          headers: row.headers,
        }),
      ),
    );
    return rows.map((row, i): PublishOutcome => {
      const result = results[i];
      if (result.status === 'fulfilled') {
        this.options.metrics.eventsPublished.inc({ type: row.routingKey });
        return { id: row.id, published: true };
      }
      const err = result.reason as Error;
      const unroutable = err instanceof UnroutableMessageError;
      this.options.metrics.publishFailures.inc({ type: row.routingKey, reason: unroutable ? 'unroutable' : 'broker' });
      this.options.logger.warn({ eventId: row.id, type: row.routingKey, attempts: row.attempts + 1, err: err.message }, 'order event not published; kept in the outbox');
      // While RabbitMQ is away the relay itself backs off; the row stays due so it goes first once it is back.
      const brokerAway = err instanceof BrokerUnavailableError || !this.options.broker.isConnected();
      const retryAt = brokerAway ? new Date() : new Date(Date.now() + this.retryDelay(row.attempts + 1));
      return { id: row.id, published: false, error: `${err.name}: ${err.message}`, retryAt, brokerAway };
    });
  }

  private retryDelay(attempts: number): number {
    return Math.min(this.options.retryMaxMs ?? 300_000, (this.options.retryBaseMs ?? 1_000) * 2 ** (attempts - 1));
  }
}
