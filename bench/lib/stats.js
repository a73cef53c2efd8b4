'use strict';

/** Percentiles of a list of numbers (nearest rank), sorting it once: percentiles(values, [50, 99]). */
function percentiles(values, ps) {
  if (!values.length) return ps.map(() => NaN);
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
}

/**
 * Several measured windows as one figure: every call over all the time, and p50/p99 over every
 * call's latency (ms) in all the windows. Each window: { total, seconds, latencies }.
 */
function pooled(windows) {
  const total = windows.reduce((sum, w) => sum + w.total, 0);
  const seconds = windows.reduce((sum, w) => sum + w.seconds, 0);
  const [p50Ms, p99Ms] = percentiles(windows.flatMap((w) => w.latencies), [50, 99]);
  return { rps: total / seconds, p50Ms, p99Ms, total };
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
  return { ...pooled([{ total: latencies.length, seconds, latencies }]), seconds, latencies };
}

/**
 * A scenario and its ceiling in alternating windows (ceiling, scenario, ceiling, …) after a warm-up
 * of each (`warmUp`, discarded, when given): this machine's speed drifts by a third within a minute
 * (other tenants of the host), so a ceiling measured once, a minute before, would decide a ratio as
 * much as the code would. `measure(side)` and `warmUp(side)` take 'ceiling' or 'scenario'; answers
 * each side's windows.
 */
async function alternate({ rounds, warmUp, measure }) {
  if (warmUp) {
    await warmUp('ceiling');
    await warmUp('scenario');
  }
  const windows = { scenario: [], ceiling: [] };
  for (let round = 0; round < rounds; round++) {
    windows.ceiling.push(await measure('ceiling'));
    windows.scenario.push(await measure('scenario'));
  }
  return windows;
}

/** Two closed loops (`scenario`, `ceiling`: workers) alternating window by window, pooled per loop. */
async function alternatingLoops({ rounds, windowMs, warmupMs, concurrency, ...workers }) {
  const loop = (durationMs) => (side) => closedLoop({ concurrency, durationMs, worker: workers[side] });
  const windows = await alternate({ rounds, warmUp: warmupMs > 0 ? loop(warmupMs) : undefined, measure: loop(windowMs) });
  return { result: pooled(windows.scenario), ceiling: pooled(windows.ceiling) };
}

module.exports = { percentiles, pooled, closedLoop, alternate, alternatingLoops };
