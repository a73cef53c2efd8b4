import type { DataSource } from 'typeorm';
import { ReadThroughCache, type ReadThroughCacheOptions } from '@ecommerce/service-kit';
import type { Order } from '../domain/order';
import { PostgresOrderStore } from './order.store';
import type { OrderChangeSubscriber } from './order-change-listener';

/** Roughly what an order holds in memory: its lines' names at two bytes a character, and the rest. */
const approxBytes = (order: Order): number =>
  1500 + order.items.reduce((sum, item) => sum + 150 + 2 * item.name.length, 0) + 200 * (order.history.length + order.payments.length);

/**
 * Customers poll their order while it moves from PAID to CONFIRMED, so GET /api/orders/:id is served
 * from memory. An entry lives only while this replica hears about changes: the database notifies
 * every replica when a transaction that changed an order commits (OrderChangeListener), and this
 * replica's own transactions drop what they touched the moment they commit. A read that raced with
 * a change is answered but not kept; while notifications are not being received, nothing is served
 * from memory at all. ttlMs bounds staleness should a notification ever go missing unnoticed.
 * Locked reads inside transactions never use it.
 */
export class CachedOrderStore extends PostgresOrderStore implements OrderChangeSubscriber {
  private readonly cache: ReadThroughCache<Order>;
  private listening = false;

  /** maxBytes bounds the orders kept by an estimate of their size: one may hold 50 lines with 200-character names. */
  constructor(dataSource: DataSource, options: ReadThroughCacheOptions & { maxBytes: number }) {
    super(dataSource);
    this.cache = new ReadThroughCache({ ...options, sizeOf: approxBytes });
  }

  override findById(id: string): Promise<Order | undefined> {
    if (!this.listening) return super.findById(id);
    return this.cache.read(id.toLowerCase(), () => super.findById(id));
  }

  changed(orderId: string): void {
    this.cache.forget(orderId.toLowerCase());
  }

  reset(listening: boolean): void {
    this.listening = listening;
    this.cache.clear();
  }

  protected override committed(orderIds: ReadonlySet<string>): void {
    for (const id of orderIds) this.changed(id);
  }
}
