import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage, type GetMessage } from 'amqplib';
import { HEADERS } from './order-events.consumer';
import { deadLetterQueueName, type WorkerTopology } from './order-events.topology';

/** Which replayed message RabbitMQ returned: its position in the replay. */
const REPLAY_SEQUENCE = 'x-replay-sequence';

export interface DeadLetter {
  messageId: string;
  type: string;
  orderId: string;
  reason: string;
  attempts: number;
  failedAt: string;
  error: string;
  headers: Record<string, unknown>;
  body: unknown;
}

function describe(message: GetMessage): DeadLetter {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  let body: unknown = message.content.toString('utf8');
  try {
    body = JSON.parse(body as string);
  } catch {
    // kept as text: an invalid event is exactly what may sit here
  }
  const event = body as { type?: string; data?: { orderId?: string } };
  return {
    messageId: message.properties.messageId ?? '(none)',
    type: typeof event?.type === 'string' ? event.type : '?',
    orderId: event?.data?.orderId ?? '?',
    reason: String(headers[HEADERS.reason] ?? '?'),
    attempts: Number(headers[HEADERS.attempt] ?? 0),
    failedAt: String(headers[HEADERS.failedAt] ?? '?'),
    error: String(headers[HEADERS.error] ?? ''),
    headers,
    body,
  };
}

/** Messages one replay (or show) reads from the dead-letter queue; the rest wait for the next run. */
export const REPLAY_LIMIT = 10_000;

/**
 * Operator access to the dead-letter queue. Messages are read with basic.get and, unless
 * replayed, returned to the queue when the channel closes, so looking never loses anything.
 */
export class DeadLetterTool {
  private constructor(private readonly connection: ChannelModel, private readonly channel: ConfirmChannel, private readonly topology: WorkerTopology) {}

  static async connect(url: string, topology: WorkerTopology): Promise<DeadLetterTool> {
    const connection = await amqp.connect(url, { clientProperties: { connection_name: 'integration-service dlq tool' } });
    const channel = await connection.createConfirmChannel();
    return new DeadLetterTool(connection, channel, topology);
  }

  async count(): Promise<number> {
    return (await this.channel.checkQueue(deadLetterQueueName(this.topology))).messageCount;
  }

  async list(limit = 1000): Promise<DeadLetter[]> {
    return (await this.take(limit)).map(describe);
  }

  /** Looks as far as replay does (REPLAY_LIMIT), so what replay can find, show finds too; stops at the message. */
  async show(messageId: string): Promise<DeadLetter | undefined> {
    const taken = await this.take(REPLAY_LIMIT, (m) => m.properties.messageId === messageId);
    const last = taken.at(-1);
    return last?.properties.messageId === messageId ? describe(last) : undefined;
  }

  /**
   * Re-publishes matching messages to the work queue with a fresh attempt count, then removes them
   * here. Each goes out `mandatory`, so one that no queue took comes back and stays here (RabbitMQ
   * would otherwise confirm it and drop it); the work queue is also checked first, to refuse at once.
   */
  async replay(match: (d: DeadLetter) => boolean, limit = REPLAY_LIMIT): Promise<string[]> {
    await this.assertWorkQueue();
    const taken = await this.take(limit);
    const chosen = taken.filter((m) => match(describe(m)));
    const returned = new Set<number>();
    const onReturn = (message: ConsumeMessage) => returned.add(Number(message.properties.headers?.[REPLAY_SEQUENCE]));
    this.channel.on('return', onReturn);
    try {
      chosen.forEach((message, i) => {
        const headers = { ...(message.properties.headers ?? {}) } as Record<string, unknown>;
        for (const key of [HEADERS.reason, HEADERS.error, HEADERS.failedAt, HEADERS.lastError]) delete headers[key];
        this.channel.publish('', this.topology.queue, message.content, {
          persistent: true,
          mandatory: true,
          messageId: message.properties.messageId,
          contentType: message.properties.contentType ?? 'application/json',
          headers: { ...headers, [HEADERS.attempt]: 0, 'x-replayed-at': new Date().toISOString(), [REPLAY_SEQUENCE]: i },
        });
      });
      // RabbitMQ sends a message's basic.return before its confirm.
      await this.channel.waitForConfirms();
    } finally {
      this.channel.off('return', onReturn);
    }
    const replayed = chosen.filter((_, i) => !returned.has(i));
    for (const message of replayed) this.channel.ack(message);
    if (returned.size) throw new Error(`${returned.size} message(s) were not taken by the work queue ${this.topology.queue} and stay in the dead-letter queue`);
    return replayed.map((m) => m.properties.messageId ?? '(none)');
  }

  /**
   * RabbitMQ confirms a message published to a queue that does not exist, and drops it: replaying
   * into a missing work queue would lose every message it removes here.
   */
  private async assertWorkQueue(): Promise<void> {
    const probe = await this.connection.createChannel();
    probe.on('error', () => undefined); // checkQueue of a missing queue closes its channel
    try {
      await probe.checkQueue(this.topology.queue);
    } catch (err) {
      const missing = (err as { code?: number }).code === 404;
      throw new Error(
        missing
          ? `the work queue ${this.topology.queue} does not exist (the worker declares it when it starts); nothing was replayed`
          : `could not check the work queue ${this.topology.queue}: ${(err as Error).message}; nothing was replayed`,
      );
    } finally {
      await probe.close().catch(() => undefined);
    }
  }

  /** Closing the channel returns every message taken and not acknowledged to the queue. */
  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }

  /** Up to `limit` messages, unacknowledged; with `until`, none after the first it accepts. */
  private async take(limit: number, until?: (m: GetMessage) => boolean): Promise<GetMessage[]> {
    const taken: GetMessage[] = [];
    while (taken.length < limit) {
      const message = await this.channel.get(deadLetterQueueName(this.topology), { noAck: false });
      if (!message) break;
      taken.push(message);
      if (until?.(message)) break;
    }
    return taken;
  }
}
