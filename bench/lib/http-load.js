'use strict';
// HTTP load with autocannon: a warm-up run (discarded), then the measured run.
const autocannon = require('autocannon');
const { processCpuMs, voluntarySleeps } = require('./process-cpu');

function run(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const optionsOf = (o) => ({ url: o.url, method: o.method ?? 'GET', headers: o.headers, body: o.body, connections: o.connections, requests: o.requests });

function checked(url, r) {
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts out of ${r.requests.total}`);
  return r;
}

/**
 * @param {{ url: string, method?: string, headers?: object, body?: string, connections: number,
 *   durationS: number, warmupS: number, requests?: object[] }} o
 */
async function measureHttp(o) {
  const base = optionsOf(o);
  if (o.warmupS > 0) await run({ ...base, duration: o.warmupS });
  const r = checked(o.url, await run({ ...base, duration: o.durationS }));
  return { rps: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, total: r.requests.total };
}

/**
 * Several measured windows as one figure: all requests over all the time; p50 the median window's,
 * p99 the worst; and, when they could be read, the server's CPU per request over them and how often
 * the load generator (this process) slept per request.
 */
function combine(windows) {
  const total = windows.reduce((sum, w) => sum + w.r.requests.total, 0);
  const seconds = windows.reduce((sum, w) => sum + w.r.duration, 0);
  const p50s = windows.map((w) => w.r.latency.p50).sort((a, b) => a - b);
  // A reading per request over all windows; undefined when any window could not be read.
  const perRequest = (key) => (windows.every((w) => w[key] !== undefined) ? windows.reduce((acc, w) => acc + w[key], 0) / total : undefined);
  const cpuMs = perRequest('cpuMs');
  return {
    rps: total / seconds, p50Ms: p50s[Math.floor((p50s.length - 1) / 2)], p99Ms: Math.max(...windows.map((w) => w.r.latency.p99)), total,
    serverCpuUsPerRequest: cpuMs === undefined ? undefined : cpuMs * 1000,
    generatorSleepsPerRequest: perRequest('generatorSleeps'),
  };
}

const difference = (before, after) => (before !== undefined && after !== undefined ? after - before : undefined);

/**
 * One measured window, with the CPU its server process spent in it and the times the load generator
 * slept in it (each undefined when unknown).
 */
async function measuredWindow(options, durationS, serverPid) {
  const cpu = () => (serverPid ? processCpuMs(serverPid) : undefined);
  const before = { cpu: cpu(), sleeps: voluntarySleeps(process.pid) };
  const r = checked(options.url, await run({ ...options, duration: durationS }));
  const after = { cpu: cpu(), sleeps: voluntarySleeps(process.pid) };
  return { r, cpuMs: difference(before.cpu, after.cpu), generatorSleeps: difference(before.sleeps, after.sleeps) };
}

/**
 * A scenario and its ceiling measured in alternating windows (ceiling, scenario, ceiling, …), each
 * after its own warm-up. This machine's speed drifts by a third within a minute (other tenants of
 * the host), so a ceiling measured once, a minute before, would decide the ratio as much as the
 * code would; alternating short windows puts both figures in the same minutes.
 * `scenario.pid` and `ceiling.pid`, when given, are the server processes whose CPU per request is reported.
 * @param {{ scenario: object, ceiling: object, connections: number, durationS: number, warmupS: number, rounds: number }} o
 */
async function measurePaired(o) {
  const scenario = optionsOf({ ...o.scenario, connections: o.connections });
  const ceiling = optionsOf({ ...o.ceiling, connections: o.connections });
  if (o.warmupS > 0) {
    await run({ ...ceiling, duration: o.warmupS });
    await run({ ...scenario, duration: o.warmupS });
  }
  const windows = { scenario: [], ceiling: [] };
  for (let round = 0; round < o.rounds; round++) {
    windows.ceiling.push(await measuredWindow(ceiling, o.durationS, o.ceiling.pid));
    windows.scenario.push(await measuredWindow(scenario, o.durationS, o.scenario.pid));
  }
  return { result: combine(windows.scenario), ceiling: combine(windows.ceiling) };
}

module.exports = { measureHttp, measurePaired };
