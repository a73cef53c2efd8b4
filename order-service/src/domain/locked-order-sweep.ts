import type { Order } from './order';
import type { OrderStore, OrderTx } from './ports';

/** Failed asks in one batch after which a sweep takes the payment processor for down and ends. */
const FAILURES_BEFORE_GIVING_UP = 3;

/** A sweep over orders that each need a word from the payment processor before they are settled. */
export interface LockedOrderSweep<A, K extends string> {
  /** What `record` may answer, each counted in the result. */
  outcomes: readonly K[];
  batchSize?: number;
  /** Locks up to `limit` orders to settle; rows another transaction holds are skipped, not awaited. */
  lock(tx: OrderTx, limit: number): Promise<Order[]>;
  /** Asks the processor about one order; a throw leaves that order for a later sweep. */
  ask(order: Order): Promise<A>;
  /** Records the answer in the batch's transaction and names what it did; a throw (the database's) ends the sweep. */
  record(tx: OrderTx, order: Order, answer: A): Promise<K>;
  /** After a failed ask, in the batch's transaction. */
  failed(tx: OrderTx, order: Order, err: unknown): Promise<void> | void;
}

/**
 * Settles orders a batch per transaction, the batch's rows locked while the processor is asked
 * about each in turn. An order whose ask fails stays for a later sweep, and the batch goes on;
 * after a few failures it ends, taking the processor for down rather than holding the batch's locks
 * through a timeout per order, and no further batch is taken (it would select those orders again).
 * Resolves how many orders had each outcome, and how many failed.
 */
export async function sweepLockedOrders<A, K extends string>(
  store: OrderStore,
  sweep: LockedOrderSweep<A, K>,
): Promise<Record<K | 'failed', number>> {
  const batchSize = sweep.batchSize ?? 100;
  const counts = Object.fromEntries([...sweep.outcomes, 'failed'].map((key) => [key, 0])) as Record<K | 'failed', number>;
  for (;;) {
    const batch = await store.transaction(async (tx) => {
      const orders = await sweep.lock(tx, batchSize);
      const done = Object.fromEntries(sweep.outcomes.map((key) => [key, 0])) as Record<K, number>;
      let failed = 0;
      for (const order of orders) {
        let answer: A;
        try {
          answer = await sweep.ask(order);
        } catch (err) {
          await sweep.failed(tx, order, err);
          if (++failed >= FAILURES_BEFORE_GIVING_UP) break;
          continue;
        }
        done[await sweep.record(tx, order, answer)]++;
      }
      return { seen: orders.length, done, failed };
    });
    // Counted once the batch committed.
    for (const key of sweep.outcomes) counts[key] += batch.done[key];
    counts.failed += batch.failed;
    if (batch.seen < batchSize || batch.failed > 0) return counts;
  }
}
