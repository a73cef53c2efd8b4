'use strict';
// Results as JSON, a markdown table and an SVG bar chart of throughput beside its ceiling.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const fmt = (n, digits = 1) => (n === null || n === undefined || Number.isNaN(n) ? '–' : Number(n).toFixed(digits));

/** A scenario's figure beside its ceiling's, e.g. "62 / 27", or '–' when the scenario has none. */
const beside = (scenario, ceiling, digits) => (scenario === undefined ? '–' : `${fmt(scenario, digits)} / ${fmt(ceiling, digits)}`);

function markdownTable(rows) {
  const lines = [
    '| scenario | req/s | p50 ms | p99 ms | ceiling | ceiling req/s | ratio | target | server CPU µs/req (scenario / ceiling) | load generator sleeps/req (scenario / ceiling) |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.scenario} | ${fmt(r.rps)} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${r.ceilingName ?? '–'} | ${fmt(r.ceiling)} | ${r.ratio === null ? '–' : `${fmt(r.ratio * 100, 0)}%`} | ${r.target ? `${r.target.text} ${r.target.met ? '✅' : '❌'}` : ''} | ${beside(r.serverCpuUsPerRequest, r.ceilingCpuUsPerRequest, 0)} | ${beside(r.generatorSleepsPerRequest, r.ceilingGeneratorSleepsPerRequest, 2)} |`,
    );
  }
  const breakdowns = rows.filter((r) => r.cpuMsPerOrder && Object.keys(r.cpuMsPerOrder).length);
  for (const r of breakdowns) {
    const parts = Object.entries(r.cpuMsPerOrder);
    const total = parts.reduce((sum, [, ms]) => sum + ms, 0);
    // Two cores busy for `total` ms per order cannot finish more than cores × 1000 / total a second.
    const bound = `at most ${fmt((os.cpus().length * 1000) / total, 0)} orders/s on ${os.cpus().length} cores`;
    lines.push('', `CPU per order in the ${r.scenario.replace(/ \(.*$/, '')}, by process (ms; ${fmt(total)} in all: ${bound}):`, '');
    lines.push(`| ${parts.map(([part]) => part).join(' | ')} |`, `|${' ---: |'.repeat(parts.length)}`, `| ${parts.map(([, ms]) => fmt(ms, 2)).join(' | ')} |`);
  }
  return lines.join('\n');
}

function barChartSvg(rows, title) {
  const measured = rows.filter((r) => r.ceiling);
  const width = 900;
  const barH = 16;
  const gap = 18;
  const left = 330;
  const max = Math.max(...measured.map((r) => Math.max(r.rps, r.ceiling)), 1);
  const scale = (v) => ((width - left - 80) * v) / max;
  const height = 60 + measured.length * (2 * barH + gap);
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<rect x="${left}" y="32" width="12" height="10" fill="#2b6cb0"/><text x="${left + 16}" y="41">measured req/s</text>`,
    `<rect x="${left + 130}" y="32" width="12" height="10" fill="#cbd5e0"/><text x="${left + 146}" y="41">ceiling req/s</text>`,
  ];
  measured.forEach((r, i) => {
    const y = 56 + i * (2 * barH + gap);
    parts.push(`<text x="10" y="${y + barH}">${esc(r.scenario)}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${scale(r.rps)}" height="${barH}" fill="#2b6cb0"/>`);
    parts.push(`<text x="${left + scale(r.rps) + 4}" y="${y + 12}">${fmt(r.rps, 0)} (${fmt(r.ratio * 100, 0)}%)</text>`);
    parts.push(`<rect x="${left}" y="${y + barH}" width="${scale(r.ceiling)}" height="${barH}" fill="#cbd5e0"/>`);
    parts.push(`<text x="${left + scale(r.ceiling) + 4}" y="${y + barH + 12}">${fmt(r.ceiling, 0)} ${esc(r.ceilingName)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function writeResults(dir, run) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(run.rows, null, 2)}\n`);
  const table = markdownTable(run.rows);
  fs.writeFileSync(path.join(dir, 'latest.md'), `# ${run.mode} run ${run.date}\n\n${run.machine}\n\n${table}\n`);
  fs.writeFileSync(path.join(dir, 'throughput.svg'), barChartSvg(run.rows, `Throughput beside its ceiling — ${run.mode} run ${run.date}`));
  return table;
}

/**
 * Writes `file` as `from` (bench/RESULTS.md itself, or the committed one for a copy beside a quick
 * run's figures) with its generated section replaced, keeping the hand-written analysis around it;
 * `chart`: the throughput chart's path from `file`.
 */
function updateResultsFile(file, run, table, { from = file, chart = 'results/throughput.svg' } = {}) {
  const start = '<!-- latest-full-run:start -->';
  const end = '<!-- latest-full-run:end -->';
  const section = `${start}\n## Latest full run\n\n${run.date} — ${run.machine}\n\n${table}\n\n![throughput beside ceiling](${chart})\n${end}`;
  const current = fs.existsSync(from) ? fs.readFileSync(from, 'utf8') : `# Benchmarks\n\n${start}\n${end}\n`;
  const next = current.includes(start) ? current.replace(new RegExp(`${start}[\\s\\S]*${end}`), section) : `${current}\n${section}\n`;
  fs.writeFileSync(file, next);
}

/** The scenarios every run measures (by the start of their names); the pipeline's stages need the worker's pid. */
const EXPECTED = [
  'ceiling: PostgreSQL single-row insert', 'ceiling: RabbitMQ publish+consume', 'ceiling: Argon2id verify', 'ceiling: bare Koa handler',
  'calibration: bare Koa', 'GET /api/products/:id', 'GET /api/products?category=', 'POST /internal/verify', 'GET /api/orders/:id',
  'POST /api/users/login', 'order pipeline (',
];
const STAGES = ['order pipeline, create + pay alone', 'order pipeline, confirming alone'];
/** The ceiling of every row measured in windows alternating with bare Koa: each has both CPU readings. */
const PAIRED_CEILING = 'bare Koa (alternating)';

/**
 * Throws, naming every problem, when a run's rows are not a whole measurement: a scenario missing,
 * a rate that is not a positive number, latencies missing (NaN) or out of order, a ratio without a
 * ceiling, or (where /proc can be read) a missing CPU reading. The quick mode runs this too, so a
 * broken harness fails the tests.
 */
function checkRows(rows, { cpuReadable, stages }) {
  const problems = [];
  const rowOf = (prefix) => rows.find((r) => r.scenario.startsWith(prefix));
  for (const prefix of [...EXPECTED, ...(stages ? STAGES : [])]) if (!rowOf(prefix)) problems.push(`no row for "${prefix}"`);
  const positive = (n) => typeof n === 'number' && Number.isFinite(n) && n > 0;
  for (const r of rows) {
    if (!positive(r.rps)) problems.push(`${r.scenario}: rate ${r.rps}`);
    if (r.p50Ms != null && !(r.p50Ms >= 0 && r.p50Ms <= r.p99Ms)) problems.push(`${r.scenario}: p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
    if (r.ceilingName && !(positive(r.ceiling) && positive(r.ratio))) problems.push(`${r.scenario}: ceiling ${r.ceiling}, ratio ${r.ratio}`);
  }
  if (cpuReadable) {
    for (const r of rows.filter((row) => row.ceilingName === PAIRED_CEILING)) {
      if (!(positive(r.serverCpuUsPerRequest) && positive(r.ceilingCpuUsPerRequest))) problems.push(`${r.scenario}: no server CPU per request`);
    }
    for (const r of rows.filter((row) => row.scenario.startsWith('order pipeline'))) {
      if (!r.cpuMsPerOrder || !Object.values(r.cpuMsPerOrder).some(positive)) problems.push(`${r.scenario}: no CPU per order`);
    }
  }
  if (problems.length) throw new Error(`the run's figures are incomplete:\n  ${problems.join('\n  ')}`);
}

module.exports = { markdownTable, writeResults, updateResultsFile, checkRows, PAIRED_CEILING };
