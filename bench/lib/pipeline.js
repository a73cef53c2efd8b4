'use strict';
// The order pipeline: N orders created and paid concurrently; each one's time from its payment to
// CONFIRMED is taken from the order.confirmed event (bound to a queue of the bench's own).
const { randomUUID } = require('node:crypto');
const amqp = require('amqplib');
const { Agent, request } = require('undici');
const { closedLoop, percentiles } = require('./stats');
const { cpuPerUnit } = require('./process-cpu');

/**
 * POSTs JSON over keep-alive connections with undici: the load generator shares the machine with
 * the services, and a lean client leaves them the CPU that a heavier one would take.
 */
function jsonClient(connections) {
  const dispatcher = new Agent({ connections });
  return {
    async post(url, body, headers) {
      const res = await request(url, { method: 'POST', dispatcher, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
      return { status: res.statusCode, data: await res.body.json() };
    },
    close: () => dispatcher.close(),
  };
}

/** When each order's events of the given types reached a queue of the bench's own. */
async function observeOrderEvents(rabbitUrl, types) {
  const connection = await amqp.connect(rabbitUrl);
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue(`bench.events.${randomUUID()}`, { exclusive: true, autoDelete: true });
  for (const type of types) await channel.bindQueue(queue, 'ecommerce.orders', type);
  const arrived = new Map(types.map((type) => [type, new Map()]));
  const waiters = new Set();
  await channel.consume(queue, (msg) => {
    if (!msg) return; // the broker cancelled the consumer: the waiters time out and say so
    const { type, data } = JSON.parse(msg.content.toString());
    const seen = arrived.get(type);
    // Events go out at least once: a repeat must not move the first arrival, which the latency is taken from.
    if (!seen || seen.has(data.orderId)) return;
    seen.set(data.orderId, performance.now());
    for (const waiter of waiters) waiter(type, data.orderId);
  }, { noAck: true });
  return {
    arrived: (type) => arrived.get(type),
    /** Resolves once every id has had an event of `type`; rejects after timeoutMs. */
    all(type, ids, timeoutMs) {
      const seen = arrived.get(type);
      const remaining = new Set([...ids].filter((id) => !seen.has(id)));
      return new Promise((resolve, reject) => {
        if (!remaining.size) return resolve();
        const waiter = (eventType, orderId) => {
          if (eventType !== type || !remaining.delete(orderId) || remaining.size) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${remaining.size} of ${ids.size} orders had no ${type} event within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () => connection.close(),
  };
}

const address = { name: 'Bench Buyer', line1: '1 Load Lane', city: 'Berlin', postalCode: '10115', country: 'DE' };

/** `count` orders created and paid from `concurrency` clients; each order's id and when its payment answered. */
async function createAndPay({ urls, customers, productIds, count, concurrency }) {
  const http = jsonClient(concurrency);
  const paidAt = new Map();
  try {
    // Orders spread over a catalog, as in a shop; one product for all would measure one document's lock.
    const loop = await closedLoop({ concurrency, count, worker: async (i) => {
      const authorization = customers[i % customers.length];
      const productId = productIds[i % productIds.length];
      const created = await http.post(`${urls.orders}/api/orders`, { items: [{ productId, quantity: 1 }], shippingAddress: address }, { Authorization: authorization });
      if (created.status !== 201) throw new Error(`create order: ${created.status} ${JSON.stringify(created.data)}`);
      const id = created.data.id;
      const paid = await http.post(`${urls.orders}/api/orders/${id}/pay`, { paymentMethod: { type: 'card', token: 'tok_visa' } }, { Authorization: authorization });
      if (paid.status !== 200) throw new Error(`pay order: ${paid.status} ${JSON.stringify(paid.data)}`);
      paidAt.set(id, performance.now());
    } });
    return { paidAt, loop };
  } finally {
    await http.close();
  }
}

/**
 * The whole pipeline: throughput, latency from payment to order.confirmed, and CPU per order by
 * process (`readCpu`: a reading per part of the stack, as process-cpu's readStackCpu gives).
 */
async function orderPipeline({ urls, rabbitUrl, customers, productIds, count, warmup = 0, concurrency, timeoutMs, readCpu }) {
  const events = await observeOrderEvents(rabbitUrl, ['order.confirmed']);
  try {
    // Discarded: the first orders would otherwise pay for cold routes, pools and the worker's first calls.
    const warm = await createAndPay({ urls, customers, productIds, count: warmup, concurrency });
    await events.all('order.confirmed', new Set(warm.paidAt.keys()), timeoutMs);
    const cpu = readCpu();
    const started = performance.now();
    const { paidAt } = await createAndPay({ urls, customers, productIds, count, concurrency });
    await events.all('order.confirmed', new Set(paidAt.keys()), timeoutMs);
    const cpuMsPerOrder = cpuPerUnit(cpu, readCpu(), count);
    const confirmedAt = events.arrived('order.confirmed');
    const lags = [...paidAt].map(([id, t]) => confirmedAt.get(id) - t);
    const last = Math.max(...[...paidAt.keys()].map((id) => confirmedAt.get(id)));
    const [p50Ms, p99Ms] = percentiles(lags, [50, 99]);
    return { rps: count / ((last - started) / 1000), p50Ms, p99Ms, total: count, cpuMsPerOrder };
  } finally {
    await events.close();
  }
}

/**
 * The pipeline's two halves, each with the machine to itself, to show which bounds it: the worker
 * (integration-service) is paused with SIGSTOP while `count` orders are created and paid and their
 * order.paid events published; then it is resumed and confirms that backlog alone. Each stage's
 * throughput and CPU per order by process (`readCpu` as for orderPipeline). The worker is resumed
 * whatever happens.
 */
async function pipelineStages({ urls, rabbitUrl, customers, productIds, count, concurrency, timeoutMs, workerPid, readCpu }) {
  const events = await observeOrderEvents(rabbitUrl, ['order.paid', 'order.confirmed']);
  const resume = () => process.kill(workerPid, 'SIGCONT');
  try {
    process.kill(workerPid, 'SIGSTOP');
    const cpuAtStart = readCpu();
    const started = performance.now();
    const { paidAt, loop } = await createAndPay({ urls, customers, productIds, count, concurrency });
    const ids = new Set(paidAt.keys());
    await events.all('order.paid', ids, timeoutMs);
    // One reading ends the first stage and starts the second.
    const cpuAtBacklog = readCpu();
    const published = performance.now();
    resume();
    await events.all('order.confirmed', ids, timeoutMs);
    const confirmed = performance.now();
    return {
      createAndPay: {
        rps: count / ((published - started) / 1000), p50Ms: loop.p50Ms, p99Ms: loop.p99Ms, total: count, cpuMsPerOrder: cpuPerUnit(cpuAtStart, cpuAtBacklog, count),
      },
      confirm: { rps: count / ((confirmed - published) / 1000), p50Ms: null, p99Ms: null, total: count, cpuMsPerOrder: cpuPerUnit(cpuAtBacklog, readCpu(), count) },
    };
  } finally {
    resume();
    await events.close();
  }
}

module.exports = { orderPipeline, pipelineStages };
