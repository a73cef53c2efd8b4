import { Client } from 'pg';
import { POSTGRES_KEEP_ALIVE, type Logger } from '@ecommerce/service-kit';

/** The channel the `<table>_notify_change` triggers (migration 1732190000000) notify with an order's id. */
export const ORDER_CHANGED_CHANNEL = 'order_changed';

export interface OrderChangeSubscriber {
  /** An order committed a change (in any replica, or by hand in psql). */
  changed(orderId: string): void;
  /** Notifications may have been missed (connection lost or re-made): forget everything. */
  reset(listening: boolean): void;
}

export interface OrderChangeListenerOptions {
  url: string;
  logger: Logger;
  subscriber: OrderChangeSubscriber;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/**
 * One dedicated PostgreSQL session that LISTENs for order changes, so every replica's read cache
 * drops an order as soon as any transaction that changed it commits. While the session is down the
 * subscriber is told it is not listening (and must not serve from memory); it reconnects with
 * back-off and resets again once listening, since anything in between was missed.
 */
export class OrderChangeListener {
  private client?: Client;
  private stopped = false;
  private attempt = 0;
  private timer?: NodeJS.Timeout;
  private readonly givenUp = new WeakSet<Client>();

  constructor(private readonly options: OrderChangeListenerOptions) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.drop();
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.options.url, application_name: 'order-service-listener', ...POSTGRES_KEEP_ALIVE });
    client.on('notification', (msg) => {
      if (msg.channel === ORDER_CHANGED_CHANNEL && msg.payload) this.options.subscriber.changed(msg.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${ORDER_CHANGED_CHANNEL}`);
    } catch (err) {
      this.lost(client, err);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.attempt = 0;
    this.options.subscriber.reset(true);
    this.options.logger.info('listening for order changes');
  }

  private drop(): void {
    this.client = undefined;
    this.options.subscriber.reset(false);
  }

  private lost(client: Client, err?: unknown): void {
    // 'error', 'end' and a failed connect() can each report the same loss.
    if (this.givenUp.has(client)) return;
    this.givenUp.add(client);
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => undefined); // a late socket error on a client already given up
    void client.end().catch(() => undefined);
    if (this.client === client) this.drop();
    if (this.stopped) return;
    const min = this.options.reconnectMinMs ?? 250;
    const delay = Math.min(this.options.reconnectMaxMs ?? 10_000, min * 2 ** this.attempt++);
    this.options.logger.warn({ err: err instanceof Error ? err.message : undefined, retryInMs: delay }, 'order change notifications lost; reads bypass the cache until they resume');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delay);
  }
}
