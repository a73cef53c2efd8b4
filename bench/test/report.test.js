'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkRows, updateResultsFile, markdownTable, PAIRED_CEILING } = require('../lib/report');

const NAMES = [
  'ceiling: PostgreSQL single-row insert', 'ceiling: RabbitMQ publish+consume (confirmed, persistent)', 'ceiling: Argon2id verify (same parameters)',
  'ceiling: bare Koa handler', 'calibration: bare Koa + 10 µs', 'GET /api/products/:id', 'GET /api/products?category=…', 'POST /internal/verify',
  'GET /api/orders/:id (authenticated)', 'POST /api/users/login', 'order pipeline (20 orders: create, pay, CONFIRMED)',
  'order pipeline, create + pay alone (worker paused)', 'order pipeline, confirming alone',
];
const PAIRED = ['calibration', 'GET', 'POST /internal'];
const whole = () => NAMES.map((scenario) => ({
  scenario, rps: 100, p50Ms: 1, p99Ms: 2,
  ...(PAIRED.some((p) => scenario.startsWith(p)) ? { ceilingName: PAIRED_CEILING, ceiling: 200, ratio: 0.5, serverCpuUsPerRequest: 50, ceilingCpuUsPerRequest: 25 } : { ceilingName: null, ceiling: null, ratio: null }),
  ...(scenario.startsWith('order pipeline') ? { cpuMsPerOrder: { 'order-service': 2 } } : {}),
}));

describe('a run is checked before it is reported', () => {
  it('passes a whole run', () => {
    expect(() => checkRows(whole(), { cpuReadable: true, stages: true })).not.toThrow();
  });

  it('names each way a run can be incomplete', () => {
    const rows = whole().filter((r) => !r.scenario.startsWith('POST /internal/verify'));
    const at = (prefix) => rows.find((r) => r.scenario.startsWith(prefix));
    at('GET /api/products/:id').rps = NaN;
    at('GET /api/orders/:id').p50Ms = 3;
    at('POST /api/users/login').ceilingName = 'Argon2id verify';
    at('calibration').serverCpuUsPerRequest = undefined;
    at('order pipeline, confirming').cpuMsPerOrder = {};
    expect(() => checkRows(rows, { cpuReadable: true, stages: true })).toThrow(
      [
        "the run's figures are incomplete:",
        '  no row for "POST /internal/verify"',
        '  GET /api/products/:id: rate NaN',
        '  GET /api/orders/:id (authenticated): p50 3 ms, p99 2 ms',
        '  POST /api/users/login: ceiling null, ratio null',
        '  calibration: bare Koa + 10 µs: no server CPU per request',
        '  order pipeline, confirming alone: no CPU per order',
      ].join('\n'),
    );
  });

  it('asks for no CPU readings where /proc cannot be read, and no stage rows without the worker', () => {
    const rows = whole().filter((r) => !r.scenario.startsWith('order pipeline,')).map((r) => ({ ...r, serverCpuUsPerRequest: undefined, cpuMsPerOrder: undefined }));
    expect(() => checkRows(rows, { cpuReadable: false, stages: false })).not.toThrow();
    expect(() => checkRows(rows, { cpuReadable: false, stages: true })).toThrow('no row for "order pipeline, create + pay alone"');
  });

  it('replaces only the generated section of RESULTS.md', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-report-')), 'RESULTS.md');
    fs.writeFileSync(file, '# Benchmarks\n\nintro\n\n<!-- latest-full-run:start -->\nold table\n<!-- latest-full-run:end -->\n\n## Analysis\n');
    const run = { date: '2026-11-22T00:00:00.000Z', machine: '2 × test CPU', rows: whole() };
    updateResultsFile(file, run, markdownTable(run.rows));
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('old table');
    expect(text).toMatch(/^# Benchmarks\n\nintro\n\n<!-- latest-full-run:start -->\n## Latest full run\n\n2026-11-22T00:00:00.000Z — 2 × test CPU\n\n\| scenario \|/);
    expect(text).toContain('| GET /api/products/:id | 100.0 | 1.0 | 2.0 | bare Koa (alternating) | 200.0 | 50% |');
    expect(text).toMatch(/<!-- latest-full-run:end -->\n\n## Analysis\n$/);
  });

  it('writes a copy elsewhere from the committed file, with the chart beside it, leaving the committed one alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
    const committed = path.join(dir, 'RESULTS.md');
    const original = '# Benchmarks\n\n<!-- latest-full-run:start -->\nold table\n<!-- latest-full-run:end -->\n\n## Analysis\n';
    fs.writeFileSync(committed, original);
    const copy = path.join(dir, 'quick', 'RESULTS.md');
    fs.mkdirSync(path.dirname(copy));
    const run = { date: '2026-11-22T00:00:00.000Z', machine: '2 × test CPU', rows: whole() };
    updateResultsFile(copy, run, markdownTable(run.rows), { from: committed, chart: 'throughput.svg' });
    expect(fs.readFileSync(committed, 'utf8')).toBe(original);
    const text = fs.readFileSync(copy, 'utf8');
    expect(text).toContain('![throughput beside ceiling](throughput.svg)\n<!-- latest-full-run:end -->\n\n## Analysis\n');
    expect(text).not.toContain('old table');
  });
});
