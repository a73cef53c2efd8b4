#!/usr/bin/env node
// Benchmarks against the local stack (scripts/local-up.sh), each figure beside its ceiling,
// measured in one run on this machine.   node bench/bench.js [--quick]   (see scripts/bench.sh)
'use strict';
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const axios = require('axios');
const http = require('node:http');
const { measurePaired, combine } = require('./lib/http-load');
const { alternatingLoops } = require('./lib/stats');
const ceilings = require('./lib/ceilings');
const { orderPipeline, pipelineStages } = require('./lib/pipeline');
const { readStackCpu, servicePid: pidOf } = require('./lib/process-cpu');
const { writeResults, updateResultsFile, checkRows, PAIRED_CEILING } = require('./lib/report');

const quick = process.argv.includes('--quick');
const mode = quick ? 'quick' : 'full';
const M = quick
  ? { durationS: 1, warmupS: 0.5, connections: 8, rounds: 1, windowS: 1, loginWindowS: 1, pipelineOrders: 20, pipelineWarmup: 4, rabbitMessages: 500 }
  : { durationS: 10, warmupS: 3, connections: 32, rounds: 4, windowS: 3, loginWindowS: 2, pipelineOrders: 1000, pipelineWarmup: 50, rabbitMessages: 20000 };

// The calibration row's work per request: about what a service may add to bare Koa's and still
// reach half its rate where idle vCPUs halt at once (RESULTS.md, step 31).
const CALIBRATION_WORK_US = 10;

const env = Object.fromEntries(
  fs.readFileSync(path.join(__dirname, '../.local/stack.env'), 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const ADMIN_EMAIL = process.env.ADMIN_EMAIL ?? env.ADMIN_EMAIL ?? 'admin@example.com';
const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD ?? env.ADMIN_PASSWORD;
const INTERNAL_API_TOKEN = process.env.INTERNAL_API_TOKEN ?? env.INTERNAL_API_TOKEN;
const urls = { users: 'http://127.0.0.1:3001', products: 'http://127.0.0.1:3002', orders: 'http://127.0.0.1:3003', verify: 'http://127.0.0.1:4001' };
const pgAdmin = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const rabbitUrl = `${(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672').replace(/\/$/, '')}/ecommerce`;

const client = axios.create({ validateStatus: () => true, timeout: 30_000, httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }) });
const log = (msg) => process.stderr.write(`==> ${msg}\n`);
const repoRoot = path.join(__dirname, '..');
const servicePid = (service) => pidOf(repoRoot, service);

async function setUp() {
  const run = randomBytes(4).toString('hex');
  const admin = await client.post(`${urls.users}/api/users/login`, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  if (admin.status !== 200) throw new Error(`admin login failed (${admin.status}): is the local stack up with the same ADMIN_PASSWORD?`);
  const adminAuth = `Bearer ${admin.data.accessToken}`;
  const product = await client.post(
    `${urls.products}/api/products`,
    { name: `Bench item ${run}`, description: 'benchmark', price: 1500, currency: 'EUR', category: `bench-${run}`, quantity: 1_000_000, imageUrls: [] },
    { headers: { Authorization: adminAuth } },
  );
  if (product.status !== 201) throw new Error(`create product failed: ${product.status} ${JSON.stringify(product.data)}`);
  const catalog = [];
  for (let i = 0; i < 50; i++) {
    const filler = await client.post(`${urls.products}/api/products`, { name: `Bench item ${run} ${i}`, description: 'benchmark', price: 100 + i, currency: 'EUR', category: `bench-${run}`, quantity: 100_000, imageUrls: [] }, { headers: { Authorization: adminAuth } });
    catalog.push(filler.data.id);
  }
  const customers = [];
  const credentials = [];
  for (let i = 0; i < 8; i++) {
    const email = `bench-${run}-${i}@example.com`;
    const password = 'bench-password-1';
    await client.post(`${urls.users}/api/users/register`, { email, password, name: `Bench ${i}` });
    const login = await client.post(`${urls.users}/api/users/login`, { email, password });
    customers.push(`Bearer ${login.data.accessToken}`);
    credentials.push({ email, password });
  }
  const order = await client.post(`${urls.orders}/api/orders`, { items: [{ productId: product.data.id, quantity: 1 }], shippingAddress: { name: 'B', line1: '1 Road', city: 'Berlin', postalCode: '10115', country: 'DE' } }, { headers: { Authorization: customers[0] } });
  if (order.status !== 201) throw new Error(`create order failed: ${order.status} ${JSON.stringify(order.data)}`);
  return { run, adminAuth, productId: product.data.id, catalog, category: `bench-${run}`, customers, credentials, orderId: order.data.id };
}

/** On a VM guest with the haltpoll idle driver, how long an idle vCPU polls before it halts: it decides what waking a sleeping process costs (bench/RESULTS.md, step 25). */
function haltPoll() {
  try {
    return `, idle vCPU polling ${fs.readFileSync('/sys/module/haltpoll/parameters/guest_halt_poll_ns', 'utf8').trim()} ns`;
  } catch {
    return '';
  }
}

async function main() {
  const machine = `${os.cpus().length} × ${os.cpus()[0].model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}${haltPoll()}`;
  log(`${mode} benchmark on ${machine}`);
  const s = await setUp();
  const rows = [];
  const rowOf = (scenario, result, ceilingName, ceiling, target) => {
    const ratio = ceiling ? result.rps / ceiling.rps : null;
    return {
      scenario, rps: result.rps, p50Ms: result.p50Ms, p99Ms: result.p99Ms,
      ceiling: ceiling ? ceiling.rps : null, ceilingName: ceilingName ?? null, ratio,
      // Figures a scenario does not have stay undefined, which latest.json leaves out.
      serverCpuUsPerRequest: result.serverCpuUsPerRequest, ceilingCpuUsPerRequest: ceiling?.serverCpuUsPerRequest,
      generatorSleepsPerRequest: result.generatorSleepsPerRequest, ceilingGeneratorSleepsPerRequest: ceiling?.generatorSleepsPerRequest,
      cpuMsPerOrder: result.cpuMsPerOrder,
      target: target?.(result, ratio),
    };
  };
  const logRow = (row) => {
    const latency = row.p50Ms == null ? '' : ` p50 ${row.p50Ms.toFixed(1)} ms p99 ${row.p99Ms.toFixed(1)} ms`;
    log(`${row.scenario}: ${row.rps.toFixed(1)}/s${latency}${row.ratio ? ` (${(row.ratio * 100).toFixed(0)}% of ${row.ceilingName})` : ''}`);
  };
  const add = (...args) => {
    const row = rowOf(...args);
    rows.push(row);
    logRow(row);
  };
  log('ceilings');
  const pg = await ceilings.postgresInsert({ adminUrl: pgAdmin, concurrency: 20, durationMs: M.durationS * 1000 });
  add('ceiling: PostgreSQL single-row insert', pg);
  const amqpRate = await ceilings.rabbitRoundTrip({ url: rabbitUrl, count: M.rabbitMessages, inFlight: 200 });
  add('ceiling: RabbitMQ publish+consume (confirmed, persistent)', amqpRate);
  // The ceilings measured alongside their scenarios (in alternating windows) are listed here, with the others.
  const ceilingRows = rows.length;
  const insertCeiling = (scenario, result) => {
    const row = rowOf(scenario, result);
    rows.splice(ceilingRows, 0, row);
    logRow(row);
  };
  const bareKoa = await ceilings.startBareKoa();
  const workedKoa = await ceilings.startBareKoa({ workUs: CALIBRATION_WORK_US });
  // Every bare Koa window of the run, pooled into the ceiling's own row.
  const bareKoaWindows = [];
  try {
    // Each figure compared with bare Koa alternates with it window by window (measurePaired).
    const paired = async (scenario, options, target) => {
      const { result, ceiling, windows } = await measurePaired({
        scenario: options, ceiling: { url: bareKoa.url, pid: bareKoa.pid }, connections: M.connections, durationS: M.windowS, warmupS: M.warmupS, rounds: M.rounds,
      });
      bareKoaWindows.push(...windows.ceiling);
      add(scenario, result, PAIRED_CEILING, ceiling, target);
    };
    // What a fixed amount of a service's own work costs against the ceiling on this machine, so a
    // missed ratio can be told apart from a machine that charges more for the same work (RESULTS.md, step 31).
    await paired(`calibration: bare Koa + ${CALIBRATION_WORK_US} µs of busy work per request`, { url: workedKoa.url, pid: workedKoa.pid });
    log('services');
    await paired('GET /api/products/:id', { url: `${urls.products}/api/products/${s.productId}`, pid: servicePid('product-service') },
      (_r, ratio) => ({ text: '≥ 50% of bare Koa', met: ratio >= 0.5 }));
    await paired('GET /api/products?category=…', { url: `${urls.products}/api/products?category=${s.category}&limit=20`, pid: servicePid('product-service') });
    await paired('POST /internal/verify', {
      method: 'POST', url: `${urls.verify}/internal/verify`, headers: { Authorization: s.customers[0], 'X-Internal-Token': INTERNAL_API_TOKEN }, pid: servicePid('user-service'),
    });
    await paired('GET /api/orders/:id (authenticated)', { url: `${urls.orders}/api/orders/${s.orderId}`, headers: { Authorization: s.customers[0] }, pid: servicePid('order-service') },
      (_r, ratio) => ({ text: '≥ 35% of bare Koa', met: ratio >= 0.35 }));
  } finally {
    bareKoa.stop();
    workedKoa.stop();
  }
  insertCeiling('ceiling: bare Koa handler (every alternating window of the run)', combine(bareKoaWindows));
  // Login alternates with its own ceiling, Argon2id verifications in this process, as the HTTP scenarios do with bare Koa.
  const { result: login, ceiling: hash } = await alternatingLoops({
    rounds: M.rounds, windowMs: M.loginWindowS * 1000, warmupMs: M.warmupS * 1000, concurrency: 4,
    ceiling: await ceilings.argon2Verifier(),
    scenario: async (i) => {
      const res = await client.post(`${urls.users}/api/users/login`, s.credentials[i % s.credentials.length]);
      if (res.status !== 200) throw new Error(`login: ${res.status}`);
    },
  });
  insertCeiling('ceiling: Argon2id verify (same parameters, alternating with login)', hash);
  add('POST /api/users/login', login, 'Argon2id verify (alternating)', hash);
  // Every process's CPU over the pipeline: 300 orders/s on two cores leaves ~6.7 ms of CPU per order for all of them together.
  const orders = {
    urls, rabbitUrl, customers: s.customers, productIds: s.catalog, count: M.pipelineOrders, warmup: M.pipelineWarmup, concurrency: M.connections, timeoutMs: 120_000,
    readCpu: () => readStackCpu(repoRoot),
  };
  const pipeline = await orderPipeline(orders);
  add(`order pipeline (${M.pipelineOrders} orders: create, pay, CONFIRMED)`, pipeline, 'RabbitMQ publish+consume', amqpRate,
    (r) => ({ text: '≥ 300 orders/s, p99 < 500 ms', met: r.rps >= 300 && r.p99Ms < 500 }));
  // Which half bounds it: each stage alone, the worker paused while orders are created and paid.
  const workerPid = Number(servicePid('integration-service'));
  if (workerPid) {
    const stages = await pipelineStages({ ...orders, workerPid });
    add('order pipeline, create + pay alone (worker paused, until every order.paid is out; p50/p99: create + pay)', stages.createAndPay);
    add('order pipeline, confirming alone (the resumed worker works off that backlog)', stages.confirm);
  } else {
    log('no integration-service pid file: the pipeline stages are not measured');
  }
  // A run that measured nothing in a scenario, or lost a reading, fails rather than report it.
  checkRows(rows, { cpuReadable: process.platform === 'linux', stages: Boolean(workerPid) });

  const date = new Date().toISOString();
  const runInfo = { mode, date, machine, rows };
  // RESULTS.md and bench/results/ hold full runs on the stack scripts/bench.sh starts itself (request
  // logs at warn, a fresh products database), which it says with BENCH_STACK=fresh. A quick run only
  // keeps the harness honest (the test command runs one) and any other measures some other stack:
  // both go to .local/reports/, with a RESULTS.md of their own so the file's update is exercised too.
  const official = !quick && process.env.BENCH_STACK === 'fresh';
  const resultsDir = official ? path.join(__dirname, 'results') : path.join(__dirname, `../.local/reports/bench-${quick ? 'quick' : 'running-stack'}`);
  const table = writeResults(resultsDir, runInfo);
  const committed = path.join(__dirname, 'RESULTS.md');
  if (official) updateResultsFile(committed, runInfo, table);
  else updateResultsFile(path.join(resultsDir, 'RESULTS.md'), runInfo, table, { from: committed, chart: 'throughput.svg' });
  process.stdout.write(`\n${table}\n`);
  if (!official) log(`figures written to ${path.relative(repoRoot, resultsDir)}/, not bench/RESULTS.md`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
