import { EventEmitter } from 'node:events';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Options } from 'amqplib';
import type { Logger } from 'pino';

export class BrokerUnavailableError extends Error {
  constructor(message = 'RabbitMQ is not connected') {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}

/** A `mandatory` message that no queue was bound to take: RabbitMQ returned it. */
export class UnroutableMessageError extends Error {
  constructor(readonly exchange: string, readonly routingKey: string) {
    super(`message to ${exchange} with routing key ${routingKey} was not routed to any queue`);
    this.name = 'UnroutableMessageError';
  }
}

/** Settles one delivery on the channel it came from; a no-op once that channel is gone (RabbitMQ redelivers). */
export interface Delivery {
  ack(): void;
  nack(requeue: boolean): void;
}

export type MessageHandler = (message: ConsumeMessage, delivery: Delivery) => Promise<void>;

export interface BrokerOptions {
  url: string;
  /** Shown in RabbitMQ's connection list, so operators can tell replicas apart. */
  connectionName: string;
  logger: Logger;
  /** Declares exchanges, queues and bindings; run again after every reconnect. */
  topology?: (channel: Channel) => Promise<void>;
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /** Seconds without traffic after which either side takes the connection for dead; a `heartbeat` in the URL wins. */
  heartbeatSeconds?: number;
  connectTimeoutMs?: number;
  publishTimeoutMs?: number;
}

interface Consumer {
  queue: string;
  prefetch: number;
  handler: MessageHandler;
  channel?: Channel;
  tag?: string;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });

/**
 * One RabbitMQ connection that heals itself: exponential backoff with jitter while the broker is
 * away, topology and consumers restored on every reconnect, publishes through a confirm channel.
 * Emits 'connected', 'disconnected', and 'unblocked' when RabbitMQ takes publishes again after a
 * resource alarm.
 */
export class RabbitBroker extends EventEmitter {
  private connection?: ChannelModel;
  private publisher?: ConfirmChannel;
  private readonly consumers: Consumer[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly returned = new Set<string>();
  private readonly stop = new AbortController();
  private connecting?: Promise<void>;
  private closed = false;
  /** Why RabbitMQ is not reading what this connection publishes (a memory or disk alarm), while it is not. */
  private blockedBy?: string;

  constructor(private readonly options: BrokerOptions) {
    super();
  }

  /** Starts connecting in the background; the process stays up (and unready) while RabbitMQ is away. */
  start(): void {
    this.connecting ??= this.connectLoop().finally(() => { this.connecting = undefined; });
  }

  isConnected(): boolean {
    return this.publisher !== undefined;
  }

  /** For /readyz. */
  assertConnected(): void {
    if (!this.isConnected()) throw new BrokerUnavailableError();
  }

  waitUntilConnected(timeoutMs: number): Promise<void> {
    if (this.isConnected()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.off('connected', onConnected); reject(new BrokerUnavailableError(`RabbitMQ not connected within ${timeoutMs} ms`)); }, timeoutMs);
      const onConnected = () => { clearTimeout(timer); resolve(); };
      this.once('connected', onConnected);
    });
  }

  /**
   * Resolves once RabbitMQ has confirmed the message. With `mandatory` (which needs a messageId) a
   * message no queue takes rejects with UnroutableMessageError, so the caller can keep it for later.
   */
  async publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish = {}): Promise<void> {
    const channel = this.publisher;
    if (!channel) throw new BrokerUnavailableError();
    // A message written now would wait in the socket until the alarm clears and be confirmed only
    // then: the caller would time out and publish it again, and every copy would arrive at the end.
    if (this.blockedBy) throw new BrokerUnavailableError(`RabbitMQ is blocking publishes: ${this.blockedBy}`);
    if (options.mandatory) {
      // Its return is told apart by messageId; an id left from a publish that timed out is stale.
      if (!options.messageId) throw new Error('a mandatory publish needs a messageId');
      this.returned.delete(options.messageId);
    }
    const timeoutMs = this.options.publishTimeoutMs ?? 5000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new BrokerUnavailableError(`publish not confirmed within ${timeoutMs} ms`)), timeoutMs);
      try {
        channel.publish(exchange, routingKey, content, { persistent: true, ...options }, (err) => {
          clearTimeout(timer);
          if (err) reject(err instanceof Error ? err : new BrokerUnavailableError('publish was not confirmed'));
          else resolve();
        });
      } catch (err) {
        clearTimeout(timer);
        reject(err);
      }
    });
    // RabbitMQ sends basic.return before the confirm, so by now we know whether it was routed.
    if (options.mandatory && this.returned.delete(options.messageId!)) {
      throw new UnroutableMessageError(exchange, routingKey);
    }
  }

  /** Registers a consumer with manual acknowledgement and bounded prefetch; it survives reconnects. */
  async consume(queue: string, handler: MessageHandler, options: { prefetch: number }): Promise<void> {
    const consumer: Consumer = { queue, prefetch: options.prefetch, handler };
    this.consumers.push(consumer);
    if (this.connection) await this.startConsumer(this.connection, consumer);
  }

  /** Stop taking deliveries, let handlers in flight finish (up to drainMs), then close the connection. */
  async close(drainMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stop.abort();
    await Promise.allSettled(this.consumers.map((c) => (c.channel && c.tag ? c.channel.cancel(c.tag) : undefined)));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => { timer = setTimeout(resolve, drainMs); }),
    ]);
    clearTimeout(timer);
    await this.connecting?.catch(() => undefined);
    const connection = this.connection;
    const channels = [...this.consumers.map((c) => c.channel), this.publisher];
    this.connection = undefined;
    this.publisher = undefined;
    // Closing each channel first waits for RabbitMQ's close-ok, so acks sent just before are applied.
    await Promise.allSettled(channels.map((channel) => channel?.close()));
    await connection?.close().catch(() => undefined);
  }

  private async connectLoop(): Promise<void> {
    const initial = this.options.reconnectInitialDelayMs ?? 250;
    const max = this.options.reconnectMaxDelayMs ?? 15_000;
    for (let attempt = 0; !this.closed && !this.connection; attempt++) {
      try {
        await this.connectOnce();
        return;
      } catch (err) {
        const delay = Math.min(max, initial * 2 ** attempt) * (0.5 + Math.random() / 2);
        this.options.logger.warn({ err: (err as Error).message, attempt, retryInMs: Math.round(delay) }, 'RabbitMQ connection failed');
        await sleep(delay, this.stop.signal);
      }
    }
  }

  /** amqplib takes the heartbeat from the URL only (a socket option of that name is ignored). */
  private urlWithHeartbeat(): string {
    const url = new URL(this.options.url);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(this.options.heartbeatSeconds ?? 15));
    return url.toString();
  }

  private async connectOnce(): Promise<void> {
    const connection = await amqp.connect(this.urlWithHeartbeat(), {
      // A connect whose packets are dropped would otherwise wait out the kernel's retries (~2 min).
      timeout: this.options.connectTimeoutMs ?? 10_000,
      clientProperties: { connection_name: this.options.connectionName },
    });
    try {
      connection.on('error', (err) => this.options.logger.warn({ err: err.message }, 'RabbitMQ connection error'));
      connection.on('close', () => this.onConnectionLost(connection));
      connection.on('blocked', (reason: string) => {
        this.blockedBy = reason || 'resource alarm';
        this.options.logger.warn({ reason }, 'RabbitMQ is blocking publishes');
      });
      connection.on('unblocked', () => {
        this.blockedBy = undefined;
        this.options.logger.info('RabbitMQ takes publishes again');
        this.emit('unblocked');
      });
      if (this.options.topology) {
        const setup = await connection.createChannel();
        await this.options.topology(setup);
        await setup.close();
      }
      const publisher = await connection.createConfirmChannel();
      publisher.on('return', (message: ConsumeMessage) => {
        if (message.properties.messageId) this.returned.add(message.properties.messageId);
      });
      this.watchChannel(connection, publisher, 'publisher');
      if (this.closed) throw new BrokerUnavailableError('closed while connecting');
      this.connection = connection;
      for (const consumer of this.consumers) await this.startConsumer(connection, consumer);
      this.publisher = publisher;
    } catch (err) {
      if (this.connection === connection) this.connection = undefined;
      await connection.close().catch(() => undefined);
      throw err;
    }
    this.options.logger.info({ connection: this.options.connectionName }, 'RabbitMQ connected');
    this.emit('connected');
  }

  /** A channel closed by the broker (e.g. a precondition failure) is recovered by reconnecting everything. */
  private watchChannel(connection: ChannelModel, channel: Channel, role: string): void {
    channel.on('error', (err: Error) => this.options.logger.warn({ err: err.message, role }, 'RabbitMQ channel error'));
    channel.on('close', () => {
      if (!this.closed && this.connection === connection) {
        this.options.logger.warn({ role }, 'RabbitMQ channel closed unexpectedly; reconnecting');
        void connection.close().catch(() => undefined);
      }
    });
  }

  private async startConsumer(connection: ChannelModel, consumer: Consumer): Promise<void> {
    const channel = await connection.createChannel();
    this.watchChannel(connection, channel, `consumer:${consumer.queue}`);
    await channel.prefetch(consumer.prefetch);
    let open = true;
    channel.on('close', () => { open = false; });
    const { consumerTag } = await channel.consume(consumer.queue, (message) => {
      if (!message) {
        // RabbitMQ cancelled the consumer (its queue was deleted, or the node holding it went away)
        // while the connection stays up: reconnecting declares the topology and consumes again.
        if (!this.closed && this.connection === connection) {
          this.options.logger.warn({ queue: consumer.queue }, 'RabbitMQ cancelled the consumer; reconnecting');
          void connection.close().catch(() => undefined);
        }
        return;
      }
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled || !open) return;
        settled = true;
        try { fn(); } catch (err) { this.options.logger.warn({ err: (err as Error).message }, 'could not settle delivery'); }
      };
      const delivery: Delivery = {
        ack: () => settle(() => channel.ack(message)),
        nack: (requeue) => settle(() => channel.nack(message, false, requeue)),
      };
      const task = consumer.handler(message, delivery).catch((err: unknown) => {
        // Handlers own their retry policy; one that throws gets its message back rather than lose it.
        this.options.logger.error({ err, queue: consumer.queue }, 'message handler failed; requeueing');
        delivery.nack(true);
      });
      this.inFlight.add(task);
      void task.finally(() => this.inFlight.delete(task));
    }, { noAck: false });
    consumer.channel = channel;
    consumer.tag = consumerTag;
  }

  private onConnectionLost(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.publisher = undefined;
    this.blockedBy = undefined;
    for (const consumer of this.consumers) { consumer.channel = undefined; consumer.tag = undefined; }
    this.emit('disconnected');
    if (this.closed) return;
    this.options.logger.warn('RabbitMQ connection lost; reconnecting');
    // A loop still finishing its last attempt would not notice this loss, so queue a fresh one behind it.
    if (this.connecting) void this.connecting.then(() => this.start());
    else this.start();
  }
}
