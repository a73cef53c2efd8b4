'use strict';
// HTTP load with autocannon: a warm-up run (discarded), then the measured run.
const autocannon = require('autocannon');

function run(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * @param {{ url: string, method?: string, headers?: object, body?: string, connections: number,
 *   durationS: number, warmupS: number, requests?: object[] }} o
 */
async function measureHttp(o) {
  const base = { url: o.url, method: o.method ?? 'GET', headers: o.headers, body: o.body, connections: o.connections, requests: o.requests };
  if (o.warmupS > 0) await run({ ...base, duration: o.warmupS });
  const r = await run({ ...base, duration: o.durationS });
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0) throw new Error(`${o.url}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts out of ${r.requests.total}`);
  return { rps: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, total: r.requests.total };
}

module.exports = { measureHttp };
