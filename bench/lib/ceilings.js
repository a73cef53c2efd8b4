'use strict';
// What the machine can do at best, measured in the same run as the services.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { Pool } = require('pg');
const amqp = require('amqplib');
const argon2 = require('argon2');
const { closedLoop, pooled } = require('./stats');

/**
 * Starts the bare Koa process and resolves its URL and a stop function; with `workUs`, each request
 * first spins that many microseconds (bare-koa.js).
 */
function startBareKoa({ workUs = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'bare-koa.js')], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, WORK_US: String(workUs) },
    });
    child.stdout.on('data', (chunk) => {
      const match = /listening (\d+)/.exec(String(chunk));
      if (match) resolve({ url: `http://127.0.0.1:${match[1]}/`, pid: child.pid, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`bare koa exited with ${code}`)));
  });
}

/** Single-row INSERTs into an unlogged-free temp table, as many connections as the services' pools use. */
async function postgresInsert({ adminUrl, concurrency, durationMs }) {
  const pool = new Pool({ connectionString: adminUrl, max: concurrency });
  const table = `bench_${randomUUID().replace(/-/g, '')}`;
  await pool.query(`CREATE TABLE ${table} (id uuid PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  try {
    return await closedLoop({
      concurrency,
      durationMs,
      worker: () => pool.query(`INSERT INTO ${table} (id, payload) VALUES ($1, $2)`, [randomUUID(), { status: 'PENDING', total: 1999 }]),
    });
  } finally {
    await pool.query(`DROP TABLE ${table}`);
    await pool.end();
  }
}

/** Publish (persistent, with confirms) and consume (manual ack) through a durable queue. */
async function rabbitRoundTrip({ url, count, inFlight }) {
  const connection = await amqp.connect(url);
  const publisher = await connection.createConfirmChannel();
  const consumer = await connection.createChannel();
  const queue = `bench.${randomUUID()}`;
  await publisher.assertQueue(queue, { durable: true });
  await consumer.prefetch(64);
  const latencies = [];
  let received = 0;
  const t0 = process.hrtime.bigint();
  const done = new Promise((resolve) => {
    consumer.consume(queue, (msg) => {
      if (!msg) return; // cancelled when the queue is deleted
      latencies.push(Number(process.hrtime.bigint() - BigInt(msg.properties.headers['x-sent'])) / 1e6);
      consumer.ack(msg);
      if (++received === count) resolve();
    });
  });
  for (let i = 0; i < count; i += inFlight) {
    for (let j = i; j < Math.min(count, i + inFlight); j++) {
      publisher.publish('', queue, Buffer.from(JSON.stringify({ i: j, type: 'order.paid' })), {
        persistent: true, messageId: randomUUID(), headers: { 'x-sent': String(process.hrtime.bigint()) },
      });
    }
    await publisher.waitForConfirms();
  }
  await done;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await publisher.deleteQueue(queue);
  await connection.close();
  return pooled([{ total: count, seconds, latencies }]);
}

/** Login's own ceiling: an Argon2id verification with user-service's parameters, in this process (a closed loop's worker). */
async function argon2Verifier() {
  const hash = await argon2.hash('correct-horse-battery', { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  return () => argon2.verify(hash, 'correct-horse-battery');
}

module.exports = { startBareKoa, postgresInsert, rabbitRoundTrip, argon2Verifier };
