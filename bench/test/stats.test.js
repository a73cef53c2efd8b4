'use strict';
const { percentiles, pooled, closedLoop, alternatingLoops } = require('../lib/stats');
const { combine } = require('../lib/http-load');

describe('the figures a run reports', () => {
  it('takes percentiles by nearest rank, in numeric order', () => {
    const values = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 100];
    expect(percentiles(values, [50, 99, 100, 0])).toEqual([6, 100, 100, 1]);
    expect(percentiles([2.5, 0.25, 1], [50])).toEqual([1]);
    expect(percentiles([], [50])[0]).toBeNaN();
  });

  it('pools windows by their calls over their time, and p50/p99 over every call, not per window', () => {
    const fast = { total: 4, seconds: 1, latencies: [1, 1, 1, 1] };
    const slow = { total: 2, seconds: 2, latencies: [9, 10] };
    // Per window the medians are 1, 9.5 and 3.5, and the median of those would be 3.5; over all ten calls it is 2.
    expect(pooled([fast, slow, { total: 4, seconds: 1, latencies: [2, 3, 4, 5] }])).toEqual({ rps: 10 / 4, p50Ms: 2, p99Ms: 10, total: 10 });
  });

  it('gives HTTP windows their server CPU and load generator sleeps per request, or none when one window could not be read', () => {
    const w = (total, cpuMs, generatorSleeps) => ({ total, seconds: 1, latencies: Array(total).fill(0.5), cpuMs, generatorSleeps });
    expect(combine([w(1000, 40, 300), w(3000, 80, 900)])).toMatchObject({ rps: 2000, serverCpuUsPerRequest: 30, generatorSleepsPerRequest: 0.3, p50Ms: 0.5 });
    expect(combine([w(1000, 40, 300), w(1000, undefined, 300)]).serverCpuUsPerRequest).toBeUndefined();
  });

  it('runs a closed loop for a number of calls and measures each', async () => {
    const seen = [];
    const result = await closedLoop({ concurrency: 3, count: 9, worker: async (i) => { seen.push(i); await new Promise((r) => setTimeout(r, 5)); } });
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(result.total).toBe(9);
    expect(result.latencies).toHaveLength(9);
    expect(result.p50Ms).toBeGreaterThanOrEqual(4);
  });

  it('alternates a scenario with its ceiling, warm-ups first, and pools each side on its own', async () => {
    const order = [];
    const worker = (name) => async () => { order.push(name); await new Promise((r) => setTimeout(r, 2)); };
    const { result, ceiling } = await alternatingLoops({ rounds: 2, windowMs: 30, warmupMs: 10, concurrency: 1, scenario: worker('s'), ceiling: worker('c') });
    // Runs of one name, in the order warm-up c, warm-up s, then c, s, c, s.
    const runs = order.filter((name, i) => name !== order[i - 1]);
    expect(runs).toEqual(['c', 's', 'c', 's', 'c', 's']);
    expect(result.total).toBeGreaterThan(0);
    expect(ceiling.total).toBeGreaterThan(0);
    expect(result.total + ceiling.total).toBeLessThan(order.length);
  });
});
