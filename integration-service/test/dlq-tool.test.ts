import amqp, { type ChannelModel } from 'amqplib';
import { createTestVhost } from '@ecommerce/service-kit/testing';
import { runDlqCommand, type DlqCommandOptions } from '../src/cli/dlq';
import { DeadLetterTool } from '../src/entry-points/messaging/dead-letter-tool';
import { DEFAULT_TOPOLOGY, deadLetterQueueName, declareTopology } from '../src/entry-points/messaging/order-events.topology';

describe('the dead-letter queue tool', () => {
  let vhost: Awaited<ReturnType<typeof createTestVhost>>;
  let connection: ChannelModel;

  beforeAll(async () => {
    vhost = await createTestVhost('dlq-tool');
    connection = await amqp.connect(vhost.url);
    const channel = await connection.createConfirmChannel();
    await declareTopology(channel, DEFAULT_TOPOLOGY);
    for (const [id, reason] of [['m-1', 'permanent'], ['m-2', 'exhausted']]) {
      const body = { id, type: 'order.paid', data: { orderId: `order-${id}` } };
      channel.publish('', deadLetterQueueName(DEFAULT_TOPOLOGY), Buffer.from(JSON.stringify(body)), {
        persistent: true, messageId: id, contentType: 'application/json',
        headers: { 'x-attempt': 5, 'x-dead-letter-reason': reason, 'x-failure': `failed ${id}`, 'x-failed-at': '2026-01-01T00:00:00.000Z' },
      });
    }
    await channel.waitForConfirms();
    await channel.close();
  });
  afterAll(async () => {
    await connection.close();
    await vhost.delete();
  });

  const runWith = async (options: DlqCommandOptions, ...args: string[]) => {
    const lines: string[] = [];
    const code = await runDlqCommand(args, vhost.url, (line) => lines.push(line), options);
    return { code, lines };
  };
  const run = (...args: string[]) => runWith({}, ...args);
  const deadLetter = async (...ids: string[]) => {
    const channel = await connection.createConfirmChannel();
    for (const id of ids) channel.publish('', deadLetterQueueName(DEFAULT_TOPOLOGY), Buffer.from('{}'), { persistent: true, messageId: id });
    await channel.waitForConfirms();
    await channel.close();
  };
  const queued = async (queue: string) => {
    const channel = await connection.createChannel();
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } finally {
      await channel.close();
    }
  };

  it('lists dead letters with their reason and failure, without removing them', async () => {
    const { code, lines } = await run('list');
    expect(code).toBe(0);
    expect(lines[0]).toBe('2 message(s)');
    expect(lines[1]).toContain('m-1');
    expect(lines[1]).toContain('reason=permanent');
    expect(lines[1]).toContain('failed m-1');
    expect(await queued(deadLetterQueueName(DEFAULT_TOPOLOGY))).toBe(2);
  });

  it('shows one message in full', async () => {
    const { code, lines } = await run('show', 'm-2');
    expect(code).toBe(0);
    const shown = JSON.parse(lines.join('\n'));
    expect(shown).toMatchObject({ messageId: 'm-2', reason: 'exhausted', attempts: 5, body: { data: { orderId: 'order-m-2' } } });
    expect((await run('show', 'nope')).code).toBe(1);
    expect(await queued(deadLetterQueueName(DEFAULT_TOPOLOGY))).toBe(2);
  });

  it('replays one message to the work queue with its attempts reset', async () => {
    const { code, lines } = await run('replay', 'm-1');
    expect(code).toBe(0);
    expect(lines).toEqual(['replayed 1 message(s): m-1']);
    expect(await queued(deadLetterQueueName(DEFAULT_TOPOLOGY))).toBe(1);
    const channel = await connection.createChannel();
    const message = await channel.get(DEFAULT_TOPOLOGY.queue, { noAck: true });
    await channel.close();
    expect(message && message.properties.messageId).toBe('m-1');
    expect(message && message.properties.headers).toMatchObject({ 'x-attempt': 0 });
    expect(message && message.properties.headers?.['x-dead-letter-reason']).toBeUndefined();
  });

  it('replays everything with --all and answers usage for a bad command', async () => {
    expect((await run('replay', '--all')).lines).toEqual(['replayed 1 message(s): m-2']);
    expect(await queued(deadLetterQueueName(DEFAULT_TOPOLOGY))).toBe(0);
    expect((await run('explode')).code).toBe(2);
  });

  it('says how many messages a replay --all left behind when the queue holds more than one run reads', async () => {
    await deadLetter('m-4', 'm-5', 'm-6');
    const { code, lines } = await runWith({ replayLimit: 2 }, 'replay', '--all');
    expect(code).toBe(0);
    expect(lines).toEqual([
      'replayed 2 message(s): m-4, m-5',
      '1 message(s) still in the dead-letter queue (a run replays at most 2); run replay --all again',
    ]);
    expect((await runWith({ replayLimit: 2 }, 'replay', '--all')).lines).toEqual(['replayed 1 message(s): m-6']);
    const channel = await connection.createChannel();
    await channel.purgeQueue(DEFAULT_TOPOLOGY.queue);
    await channel.close();
  });

  it('replays nothing and keeps the message when the work queue is missing, where RabbitMQ would drop it', async () => {
    await deadLetter('m-3');
    const channel = await connection.createChannel();
    await channel.deleteQueue(DEFAULT_TOPOLOGY.queue);
    await channel.close();
    await expect(run('replay', '--all')).rejects.toThrow(`the work queue ${DEFAULT_TOPOLOGY.queue} does not exist`);
    expect(await queued(deadLetterQueueName(DEFAULT_TOPOLOGY))).toBe(1);
  });

  it('keeps a message that RabbitMQ returned because the work queue went away after it was checked', async () => {
    const tool = await DeadLetterTool.connect(vhost.url, DEFAULT_TOPOLOGY);
    try {
      // The check passed a moment before the queue was deleted (it still is, from the test above).
      (tool as unknown as { assertWorkQueue: () => Promise<void> }).assertWorkQueue = async () => undefined;
      await expect(tool.replay(() => true)).rejects.toThrow('1 message(s) were not taken by the work queue');
    } finally {
      await tool.close();
    }
    expect(await queued(deadLetterQueueName(DEFAULT_TOPOLOGY))).toBe(1);
  });
});
