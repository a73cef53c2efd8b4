#!/usr/bin/env node
// The chart's values documentation: every value in charts/ecommerce/values.yaml is documented where it
// is defined, by a `## @param <path> <description>` comment (on it or on a parent map), and the
// README's values table is generated from those comments.
//   values-table.js --check   fails if a value is undocumented, a @param names no value, or the README is stale
//   values-table.js --write   regenerates the table between the README's values-table markers
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const yaml = require('js-yaml');

const CHART = path.resolve(__dirname, '../../charts/ecommerce');
const VALUES = path.join(CHART, 'values.yaml');
const README = path.join(CHART, 'README.md');
const START = '<!-- values-table:start -->';
const END = '<!-- values-table:end -->';

function params(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = /^\s*## @param (\S+) (.*)$/.exec(line);
    if (m) out.push({ name: m[1], description: m[2].trim() });
  }
  return out;
}

function valueAt(values, dotted) {
  return dotted.split('.').reduce((node, key) => (node && typeof node === 'object' ? node[key] : undefined), values);
}

/** Leaf paths of the values (empty maps and lists are leaves). */
function leaves(node, prefix = '') {
  if (node && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length > 0) {
    return Object.entries(node).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

function formatDefault(value) {
  const text = value === '' ? '""' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `\`${text.replace(/\|/g, '\\|')}\``;
}

function table(values, documented) {
  const rows = documented.map((p) => `| \`${p.name}\` | ${p.description.replace(/\|/g, '\\|')} | ${formatDefault(valueAt(values, p.name))} |`);
  return ['| Name | Description | Default |', '| --- | --- | --- |', ...rows].join('\n');
}

function main() {
  const mode = process.argv[2];
  const text = fs.readFileSync(VALUES, 'utf8');
  const values = yaml.load(text);
  const documented = params(text);
  const names = new Set(documented.map((p) => p.name));
  const problems = [];
  for (const p of documented) if (valueAt(values, p.name) === undefined) problems.push(`@param ${p.name} names no value`);
  for (const leaf of leaves(values)) {
    const parts = leaf.split('.');
    const covered = parts.some((_, i) => names.has(parts.slice(0, i + 1).join('.')));
    if (!covered) problems.push(`${leaf} has no "## @param" comment (on it or on a parent)`);
  }
  const readme = fs.readFileSync(README, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) problems.push(`README.md has no ${START} … ${END} markers`);
  const generated = `${START}\n${table(values, documented)}\n${END}`;
  if (mode === '--write' && start >= 0 && end > start) {
    fs.writeFileSync(README, readme.slice(0, start) + generated + readme.slice(end + END.length));
    console.log(`  wrote ${documented.length} values into ${path.relative(process.cwd(), README)}`);
  } else if (start >= 0 && readme.slice(start, end + END.length) !== generated) {
    problems.push('the README values table is stale: run node scripts/chart/values-table.js --write');
  }
  if (problems.length) {
    for (const p of problems) console.log(`  ✗ ${p}`);
    process.exit(1);
  }
  console.log(`  ✓ ${documented.length} @param comments cover every value; the README table matches`);
}

main();
