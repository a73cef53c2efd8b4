#!/usr/bin/env node
// The in-cluster broker's per-service users as the chart renders them (definitions.json in the
// RabbitMQ Secret), against a live RabbitMQ: each service's own messaging code does its work with
// its user's permissions, and each user is refused what belongs to the other service.
// usage: broker-permissions.test.js <rendering.yaml>
// Needs rabbitmqctl (to import the users into a throw-away vhost, removed afterwards) and the
// services' dist/. RABBITMQ_HOST defaults to 127.0.0.1.
'use strict';

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const amqp = require('amqplib');
const { Render } = require('./lib/render');

const ROOT = path.resolve(__dirname, '../..');
const topology = require(path.join(ROOT, 'integration-service/dist/entry-points/messaging/order-events.topology'));
const { DeadLetterTool } = require(path.join(ROOT, 'integration-service/dist/entry-points/messaging/dead-letter-tool'));
const { declareOrderEventsExchange } = require(path.join(ROOT, 'order-service/dist/entry-points/workers/outbox-relay'));
const { ORDER_EVENTS_EXCHANGE } = require(path.join(ROOT, 'order-service/dist/domain/order-events'));

const SERVICES = ['order-service', 'integration-service'];
const T = topology.DEFAULT_TOPOLOGY;
const ctl = (...args) => execFileSync('rabbitmqctl', ['-q', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function renderedDefinitions(file) {
  const secret = Render.load(file).ofKind('Secret').find((s) => s.data?.['definitions.json']);
  assert.ok(secret, `${file}: no Secret with definitions.json`);
  return JSON.parse(Buffer.from(secret.data['definitions.json'], 'base64').toString('utf8'));
}

/** The rendered definitions, whole, with a vhost and user names of this run's own. */
function isolated(definitions, prefix) {
  for (const service of SERVICES) {
    const user = definitions.users.find((u) => u.name === service);
    assert.ok(user, `a user for ${service}`);
    assert.deepEqual(user.tags, [], `${service} has no management tags`);
    assert.ok(definitions.permissions.some((p) => p.user === service), `permissions for ${service}`);
  }
  assert.deepEqual(definitions.users.find((u) => u.name === 'ecommerce')?.tags, ['administrator'], 'the administrator');
  assert.deepEqual(definitions.vhosts, [{ name: '/' }]);
  return {
    users: definitions.users.map((u) => ({ ...u, name: `${prefix}-${u.name}` })),
    vhosts: [{ name: prefix }],
    permissions: definitions.permissions.map((p) => ({ ...p, user: `${prefix}-${p.user}`, vhost: prefix })),
  };
}

/** The rabbitmq user's uid and gid: Debian's rabbitmqctl runs as it, and reads the file itself. */
function rabbitmqOwner() {
  const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'rabbitmq'], { encoding: 'utf8' }).trim()));
  return { uid, gid };
}

async function imported(definitions, vhost) {
  // A file only the broker's user can read (3.10's rabbitmqctl cannot read definitions from stdin).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broker-permissions-'));
  const file = path.join(dir, 'definitions.json');
  try {
    fs.writeFileSync(file, JSON.stringify(definitions), { mode: 0o600 });
    const { uid, gid } = rabbitmqOwner();
    fs.chownSync(file, uid, gid);
    fs.chownSync(dir, uid, gid);
    ctl('import_definitions', file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // The import runs asynchronously.
  for (let i = 0; i < 100; i++) {
    const rows = (() => { try { return ctl('list_permissions', '-p', vhost).trim().split('\n').filter((l) => l && !l.startsWith('user')); } catch { return []; } })();
    if (rows.length === definitions.permissions.length) return;
    await sleep(200);
  }
  throw new Error(`the definitions were not imported into ${vhost} within 20 s`);
}

/** Runs `fn` on a fresh confirm channel and expects the broker to close it with 403 ACCESS_REFUSED. */
async function refused(connection, what, fn) {
  const channel = await connection.createConfirmChannel();
  let reason;
  // The broker's reason arrives as the channel's error; the operation itself only sees "channel closed".
  channel.on('error', (err) => { reason = err; });
  const closed = new Promise((resolve) => channel.once('close', resolve));
  try {
    await fn(channel);
  } catch {
    await Promise.race([closed, sleep(2000)]);
    if (/ACCESS_REFUSED/.test(String(reason?.message))) return;
    throw new Error(`${what}: failed, but not as refused: ${reason?.message ?? 'no reason given'}`);
  }
  await channel.close().catch(() => undefined);
  throw new Error(`${what}: was allowed`);
}

async function main() {
  const file = process.argv[2];
  const prefix = `chart-permissions-${crypto.randomBytes(4).toString('hex')}`;
  const definitions = isolated(renderedDefinitions(file), prefix);
  const url = (name) => {
    const user = definitions.users.find((u) => u.name === `${prefix}-${name}`);
    return `amqp://${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}@${process.env.RABBITMQ_HOST ?? '127.0.0.1'}:5672/${encodeURIComponent(prefix)}`;
  };
  const results = [];
  const check = async (what, fn) => {
    try {
      await fn();
      results.push(`  ✓ ${what}`);
    } catch (err) {
      results.push(`  ✗ ${what}: ${err.message}`);
    }
  };
  const connections = [];
  try {
    await imported(definitions, prefix);
    const integration = await amqp.connect(url('integration-service'));
    const orders = await amqp.connect(url('order-service'));
    connections.push(integration, orders);
    const worker = await integration.createConfirmChannel();
    const relay = await orders.createConfirmChannel();
    // A refusal closes the channel: the check that met it fails, and so do the ones after it.
    for (const emitter of [integration, orders, worker, relay]) emitter.on('error', () => undefined);

    await check("integration-service declares its topology (exchange, work queue and bindings, retry queues, DLQ)", () => topology.declareTopology(worker, T));
    await check('order-service declares its exchange and publishes an order.paid that reaches the work queue', async () => {
      await declareOrderEventsExchange()(relay);
      const returned = new Promise((resolve) => relay.once('return', () => resolve(true)));
      relay.publish(ORDER_EVENTS_EXCHANGE, 'order.paid', Buffer.from('{"type":"order.paid"}'), { persistent: true, mandatory: true, messageId: 'paid-1' });
      await relay.waitForConfirms();
      assert.equal(await Promise.race([returned, sleep(200).then(() => false)]), false, 'the event came back unroutable');
      const message = await worker.get(T.queue, { noAck: false });
      assert.ok(message, 'nothing in the work queue');
      assert.equal(message.properties.messageId, 'paid-1');
      worker.ack(message);
    });
    await check('integration-service re-publishes a retry through the default exchange, and it comes back to the work queue', async () => {
      const shortest = Math.min(...T.retryDelaysMs);
      worker.sendToQueue(topology.retryQueueName(T, shortest), Buffer.from('{}'), { persistent: true, messageId: 'retry-1' });
      await worker.waitForConfirms();
      let message = false;
      for (let i = 0; i < 50 && !message; i++) {
        await sleep(shortest / 10);
        message = await worker.get(T.queue, { noAck: false });
      }
      assert.ok(message, 'the retried message did not come back');
      worker.ack(message);
    });
    await check("the DLQ tool counts, lists and replays a dead letter with integration-service's user", async () => {
      worker.sendToQueue(topology.deadLetterQueueName(T), Buffer.from('{"type":"order.paid","data":{"orderId":"o-1"}}'), { persistent: true, messageId: 'dead-1' });
      await worker.waitForConfirms();
      // One tool per command, as the CLI runs: a listing holds what it read until its channel closes.
      const use = async (command) => {
        const tool = await DeadLetterTool.connect(url('integration-service'), T);
        try {
          return await command(tool);
        } finally {
          await tool.close();
        }
      };
      assert.equal(await use((tool) => tool.count()), 1);
      assert.deepEqual((await use((tool) => tool.list())).map((d) => d.messageId), ['dead-1']);
      assert.deepEqual(await use((tool) => tool.replay(() => true)), ['dead-1']);
      const message = await worker.get(T.queue, { noAck: true });
      assert.equal(message && message.properties.messageId, 'dead-1');
    });

    await check('the administrator may do anything, for operators', async () => {
      const admin = await amqp.connect(url('ecommerce'));
      connections.push(admin);
      const channel = await admin.createChannel();
      await channel.assertQueue('operator.scratch', { autoDelete: true });
      await channel.deleteQueue('operator.scratch');
    });
    await check('integration-service may not publish order events', () =>
      refused(integration, 'publish to the exchange', async (ch) => {
        ch.publish(ORDER_EVENTS_EXCHANGE, 'order.paid', Buffer.from('{}'));
        await ch.waitForConfirms();
      }));
    await check('integration-service may not declare other exchanges or queues', async () => {
      await refused(integration, 'declare an exchange', (ch) => ch.assertExchange('other.exchange', 'topic'));
      await refused(integration, 'declare a queue', (ch) => ch.assertQueue('other-service.queue'));
    });
    await check("order-service may not read, declare or publish to integration-service's queues", async () => {
      await refused(orders, 'read the work queue', (ch) => ch.get(T.queue));
      await refused(orders, 'declare a queue', (ch) => ch.assertQueue('order-service.queue'));
      await refused(orders, 'publish to the work queue', async (ch) => {
        ch.sendToQueue(T.queue, Buffer.from('{}'));
        await ch.waitForConfirms();
      });
    });
  } finally {
    for (const c of connections) await c.close().catch(() => undefined);
    try { ctl('delete_vhost', prefix); } catch { /* never created */ }
    for (const u of definitions.users) {
      try { ctl('delete_user', u.name); } catch { /* never created */ }
    }
  }
  console.log(results.join('\n'));
  if (results.some((r) => r.includes('✗'))) process.exit(1);
}

main().catch((err) => {
  console.error(`  ✗ ${err.stack ?? err}`);
  process.exit(1);
});
