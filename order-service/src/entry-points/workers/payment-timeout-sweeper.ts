import { randomUUID } from 'node:crypto';
import { runWithContext, type Logger } from '@ecommerce/service-kit';
import { settleExpiredOrders, type ExpiryResult } from '../../domain/expire-unpaid-orders';
import type { PaymentGateway } from '../../domain/payments/payment-gateway';
import { refundOrdersDue } from '../../domain/payments/refunds-due';
import { failureReason } from '../../domain/payments/order-payments';
import type { OrderStore } from '../../domain/ports';
import type { OutboxRepository } from '../../data-access/outbox.repository';

export interface SweeperOptions {
  store: OrderStore;
  /** Asked, before an unpaid order is cancelled, whether it charged it after all. */
  gateway: PaymentGateway;
  outbox: OutboxRepository;
  logger: Logger;
  /** ORDER_PAYMENT_TIMEOUT in milliseconds. */
  paymentTimeoutMs: number;
  intervalMs?: number;
  /** Idempotency keys are honoured at least this long. */
  idempotencyRetentionMs?: number;
  /** Published events stay in the outbox this long, for inspection. */
  publishedEventRetentionMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export interface SweepResult extends ExpiryResult {
  /** Refunds owed (refunds-due.ts) given now, and those still waiting for the processor. */
  refundsGiven: number;
  refundsWaiting: number;
  idempotencyKeysExpired: number;
  publishedEventsRemoved: number;
}

/**
 * Periodic housekeeping: settles orders unpaid past ORDER_PAYMENT_TIMEOUT through the state machine
 * (CANCELLED with reason PAYMENT_TIMEOUT, or PAID when the processor had charged one after all),
 * gives back the refunds still owed (CANCELLED and REFUNDED orders whose refund could not be made
 * when they moved),
 * forgets idempotency keys older than a day and old published events.
 * Safe with several replicas: each order is locked with SKIP LOCKED, and the deletes are idempotent.
 */
export class PeriodicSweeper {
  private timer?: NodeJS.Timeout;
  private current?: Promise<unknown>;
  private stopped = true;

  constructor(private readonly options: SweeperOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
  }

  sweepOnce(): Promise<SweepResult> {
    // The events it writes carry a request id of their own, like a request's would.
    return runWithContext({ requestId: `sweep-${randomUUID()}` }, async () => {
      const now = Date.now();
      const { logger } = this.options;
      // Each part on its own: one that keeps failing (a database error on one order) stops none of the others.
      const part = <T>(what: string, run: () => Promise<T>, nothing: T): Promise<T> =>
        run().catch((err: unknown) => {
          logger.warn({ err: (err as Error).message }, `${what} failed; tried again next sweep`);
          return nothing;
        });
      const expired = await part('settling unpaid orders', () => settleExpiredOrders(this.options.store, this.options.gateway, this.options.paymentTimeoutMs, {
        onLookupFailed: (orderId, err) =>
          logger.warn({ orderId, err: failureReason(err) }, 'payment processor unreachable: this unpaid order waits for the next sweep'),
      }), { cancelled: 0, paid: 0, unsettled: 0 });
      const refunds = await part('giving back refunds owed', () => refundOrdersDue(this.options.store, this.options.gateway, {
        onRefundFailed: (orderId, err) =>
          logger.warn({ orderId, err: failureReason(err) }, 'refund owed not given: it waits for the next sweep, behind the others owed one'),
      }), { refunded: 0, waiting: 0 });
      const result: SweepResult = {
        ...expired,
        refundsGiven: refunds.refunded,
        refundsWaiting: refunds.waiting,
        idempotencyKeysExpired: await part('forgetting old idempotency keys', () =>
          this.options.store.deleteIdempotencyKeysBefore(new Date(now - (this.options.idempotencyRetentionMs ?? DAY_MS))), 0),
        publishedEventsRemoved: await part('removing old published events', () =>
          this.options.outbox.deletePublishedBefore(new Date(now - (this.options.publishedEventRetentionMs ?? 7 * DAY_MS))), 0),
      };
      if (result.cancelled) logger.info({ cancelled: result.cancelled }, 'unpaid orders cancelled after the payment timeout');
      if (result.refundsGiven) logger.info({ refunded: result.refundsGiven }, 'refunds owed given back');
      if (result.paid) logger.warn({ paid: result.paid }, 'unpaid orders found charged at the payment processor after all: recorded as PAID');
      return result;
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.sweepOnce()
        .catch((err: unknown) => this.options.logger.warn({ err: (err as Error).message }, 'sweep failed; trying again next time'))
        .finally(() => {
          this.current = undefined;
          this.schedule(this.options.intervalMs ?? 30_000);
        });
    }, delayMs);
  }
}
