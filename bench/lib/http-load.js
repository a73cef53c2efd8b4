'use strict';
// HTTP load with autocannon: warm-up runs (discarded), then measured windows.
const autocannon = require('autocannon');
const { alternate, pooled } = require('./stats');
const { processCpuMs, voluntarySleeps } = require('./process-cpu');

/**
 * One autocannon run. With `latencies`, each response's time (ms, to the microsecond) is added to
 * it: autocannon's own histogram keeps whole milliseconds, and one window's percentiles cannot be
 * pooled with another's.
 */
function run(options, latencies) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
    if (latencies) instance.on('response', (_client, _status, _bytes, responseTimeMs) => latencies.push(responseTimeMs));
  });
}

const optionsOf = (o) => ({ url: o.url, method: o.method ?? 'GET', headers: o.headers, body: o.body, connections: o.connections, requests: o.requests });

function checked(url, r) {
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts out of ${r.requests.total}`);
  return r;
}

/**
 * Several measured windows as one figure: all requests over all the time, p50 and p99 over every
 * response of every window; and, when they could be read, the server's CPU per request over them
 * and how often the load generator (this process) slept per request.
 */
function combine(windows) {
  const figure = pooled(windows);
  // A reading per request over all windows; undefined when any window could not be read.
  const perRequest = (key) => (windows.every((w) => w[key] !== undefined) ? windows.reduce((acc, w) => acc + w[key], 0) / figure.total : undefined);
  const cpuMs = perRequest('cpuMs');
  return { ...figure, serverCpuUsPerRequest: cpuMs === undefined ? undefined : cpuMs * 1000, generatorSleepsPerRequest: perRequest('generatorSleeps') };
}

const difference = (before, after) => (before !== undefined && after !== undefined ? after - before : undefined);

/**
 * One measured window: its requests, seconds and latencies, the CPU its server process spent in it
 * and the times the load generator slept in it (each undefined when unknown).
 */
async function measuredWindow(options, durationS, serverPid) {
  const cpu = () => (serverPid ? processCpuMs(serverPid) : undefined);
  const latencies = [];
  const before = { cpu: cpu(), sleeps: voluntarySleeps(process.pid) };
  const r = checked(options.url, await run({ ...options, duration: durationS }, latencies));
  const after = { cpu: cpu(), sleeps: voluntarySleeps(process.pid) };
  return { total: r.requests.total, seconds: r.duration, latencies, cpuMs: difference(before.cpu, after.cpu), generatorSleeps: difference(before.sleeps, after.sleeps) };
}

/**
 * A scenario and its ceiling measured in alternating windows (stats' `alternate`).
 * `scenario.pid` and `ceiling.pid`, when given, are the server processes whose CPU per request is
 * reported. Answers both figures and the windows they were pooled from.
 * @param {{ scenario: object, ceiling: object, connections: number, durationS: number, warmupS: number, rounds: number }} o
 */
async function measurePaired(o) {
  const options = { scenario: optionsOf({ ...o.scenario, connections: o.connections }), ceiling: optionsOf({ ...o.ceiling, connections: o.connections }) };
  const windows = await alternate({
    rounds: o.rounds,
    warmUp: o.warmupS > 0 ? (side) => run({ ...options[side], duration: o.warmupS }) : undefined,
    measure: (side) => measuredWindow(options[side], o.durationS, o[side].pid),
  });
  return { result: combine(windows.scenario), ceiling: combine(windows.ceiling), windows };
}

module.exports = { measurePaired, combine };
