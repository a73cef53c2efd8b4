'use strict';

/** Percentile of a list of numbers (nearest rank). */
function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Runs `worker` from `concurrency` loops until `deadline` or `count` calls; returns per-call latencies. */
async function closedLoop({ concurrency, durationMs, count, worker }) {
  const latencies = [];
  const deadline = Date.now() + (durationMs ?? Infinity);
  let started = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline && (count === undefined || started < count)) {
        const i = started++;
        const t = process.hrtime.bigint();
        await worker(i);
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { rps: latencies.length / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), total: latencies.length };
}

module.exports = { percentile, closedLoop };
