'use strict';
// The order pipeline: N orders created and paid concurrently; each one's time from its payment to
// CONFIRMED is taken from the order.confirmed event (bound to a queue of the bench's own).
const { randomUUID } = require('node:crypto');
const amqp = require('amqplib');
const { Agent, request } = require('undici');
const { closedLoop, percentile } = require('./stats');

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

const address = { name: 'Bench Buyer', line1: '1 Load Lane', city: 'Berlin', postalCode: '10115', country: 'DE' };

async function orderPipeline({ urls, rabbitUrl, customers, productIds, count, concurrency, timeoutMs }) {
  const http = jsonClient(concurrency);
  const connection = await amqp.connect(rabbitUrl);
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue(`bench.confirmed.${randomUUID()}`, { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, 'ecommerce.orders', 'order.confirmed');
  const confirmedAt = new Map();
  let resolveAll;
  const allConfirmed = new Promise((resolve) => { resolveAll = resolve; });
  const paidAt = new Map();
  const orderIds = new Set();
  await channel.consume(queue, (msg) => {
    const { data } = JSON.parse(msg.content.toString());
    if (orderIds.has(data.orderId)) confirmedAt.set(data.orderId, performance.now());
    if (confirmedAt.size === count) resolveAll();
  }, { noAck: true });

  const started = performance.now();
  // Orders spread over a catalog, as in a shop; one product for all would measure one document's lock.
  await closedLoop({ concurrency, count, worker: async (i) => {
    const authorization = customers[i % customers.length];
    const productId = productIds[i % productIds.length];
    const created = await http.post(`${urls.orders}/api/orders`, { items: [{ productId, quantity: 1 }], shippingAddress: address }, { Authorization: authorization });
    if (created.status !== 201) throw new Error(`create order: ${created.status} ${JSON.stringify(created.data)}`);
    const id = created.data.id;
    orderIds.add(id);
    const paid = await http.post(`${urls.orders}/api/orders/${id}/pay`, { paymentMethod: { type: 'card', token: 'tok_visa' } }, { Authorization: authorization });
    if (paid.status !== 200) throw new Error(`pay order: ${paid.status} ${JSON.stringify(paid.data)}`);
    paidAt.set(id, performance.now());
  } });
  const timer = setTimeout(() => resolveAll(), timeoutMs);
  await allConfirmed;
  clearTimeout(timer);
  await Promise.all([connection.close(), http.close()]);
  if (confirmedAt.size < count) throw new Error(`only ${confirmedAt.size} of ${count} orders CONFIRMED within ${timeoutMs} ms`);
  const lags = [...paidAt].map(([id, t]) => confirmedAt.get(id) - t);
  const last = Math.max(...confirmedAt.values());
  return { rps: count / ((last - started) / 1000), p50Ms: percentile(lags, 50), p99Ms: percentile(lags, 99), total: count };
}

module.exports = { orderPipeline };
