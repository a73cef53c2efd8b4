// The chart's values as one render saw them: values.yaml, then each -f file, then each --set, with
// Helm's merge rules (maps merge, everything else replaces). --set takes simple paths and scalars,
// which is all scripts/test-chart.sh uses.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const yaml = require('js-yaml');

const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function merge(base, over) {
  if (!isMap(base) || !isMap(over)) return over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = v === null ? undefined : merge(base[k], v);
  return out;
}

function parseScalar(raw) {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw === 'null') return null;
  if (/^-?[0-9]+$/.test(raw)) return Number(raw);
  return raw;
}

/** Applies `a.b.c=value` (and `a.list[0].name=value`) to a values tree. */
function applySet(values, assignment) {
  const eq = assignment.indexOf('=');
  // Dots split the path unless escaped (a\.b is one key), as with helm --set.
  const keyPath = assignment.slice(0, eq).split(/(?<!\\)\./).map((part) => part.replace(/\\\./g, '.')).flatMap((part) => {
    const m = /^([^[]+)\[(\d+)\]$/.exec(part);
    return m ? [m[1], Number(m[2])] : [part];
  });
  const value = parseScalar(assignment.slice(eq + 1));
  const root = structuredClone(values);
  let node = root;
  keyPath.forEach((key, i) => {
    if (i === keyPath.length - 1) {
      node[key] = value;
      return;
    }
    if (node[key] === undefined || node[key] === null) node[key] = typeof keyPath[i + 1] === 'number' ? [] : {};
    node = node[key];
  });
  return root;
}

function chartValues(chartDir, valueFiles = [], sets = []) {
  let values = yaml.load(fs.readFileSync(path.join(chartDir, 'values.yaml'), 'utf8'));
  for (const file of valueFiles) values = merge(values, yaml.load(fs.readFileSync(file, 'utf8')) ?? {});
  for (const assignment of sets) values = applySet(values, assignment);
  return values;
}

module.exports = { chartValues };
