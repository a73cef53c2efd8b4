import type { DataSource } from 'typeorm';
import { LRUCache } from 'lru-cache';
import type { Order } from '../domain/order';
import { PostgresOrderStore } from './order.store';
import type { OrderChangeSubscriber } from './order-change-listener';

export interface OrderReadCacheOptions {
  /** An upper bound on staleness should a notification ever go missing unnoticed. */
  ttlMs: number;
  maxEntries: number;
}

interface Load {
  promise: Promise<Order | undefined>;
  /** A change to this order was committed while it was being read: the result must not be kept. */
  stale: boolean;
}

/**
 * Customers poll their order while it moves from PAID to CONFIRMED, so GET /api/orders/:id is served
 * from memory. An entry lives only while this replica hears about changes: the database notifies
 * every replica when a transaction that changed an order commits (OrderChangeListener), and this
 * replica's own transactions drop what they touched the moment they commit. A read that raced with
 * a change is answered but not kept; while notifications are not being received, nothing is served
 * from memory at all. Locked reads inside transactions never use it.
 */
export class CachedOrderStore extends PostgresOrderStore implements OrderChangeSubscriber {
  private readonly cache: LRUCache<string, Order>;
  private readonly loads = new Map<string, Load>();
  private listening = false;

  constructor(dataSource: DataSource, options: OrderReadCacheOptions) {
    super(dataSource);
    this.cache = new LRUCache({ max: options.maxEntries, ttl: options.ttlMs });
  }

  override findById(id: string): Promise<Order | undefined> {
    if (!this.listening) return super.findById(id);
    const key = id.toLowerCase();
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    const pending = this.loads.get(key);
    if (pending) return pending.promise;
    const load: Load = { promise: super.findById(id), stale: false };
    this.loads.set(key, load);
    void load.promise.then(
      (order) => {
        if (this.loads.get(key) === load) this.loads.delete(key);
        // Absent orders are not kept, so one created on another replica shows at once.
        if (order && !load.stale && this.listening) this.cache.set(key, Object.freeze(order));
      },
      () => {
        if (this.loads.get(key) === load) this.loads.delete(key);
      },
    );
    return load.promise;
  }

  changed(orderId: string): void {
    const key = orderId.toLowerCase();
    this.cache.delete(key);
    const load = this.loads.get(key);
    if (load) {
      load.stale = true;
      // Later readers start a fresh read instead of joining one that began before the change.
      this.loads.delete(key);
    }
  }

  reset(listening: boolean): void {
    this.listening = listening;
    this.cache.clear();
    for (const load of this.loads.values()) load.stale = true;
    this.loads.clear();
  }

  protected override committed(orderIds: ReadonlySet<string>): void {
    for (const id of orderIds) this.changed(id);
  }
}
