// Validation of one Kubernetes object against the OpenAPI schemas shipped in `kubernetes-models`
// (generated from Kubernetes ≥ 1.30 — it knows e.g. Service.spec.trafficDistribution — so it
// covers 1.28+ for the fields this chart uses), plus a strict-fields pass: the package's validators
// ignore unknown fields, which the API server drops (or rejects with strict field validation), so
// a misspelled key would otherwise go unnoticed. The known fields come from the package's
// TypeScript declarations, which are generated from the same OpenAPI document.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const MODELS_DIR = path.dirname(require.resolve('kubernetes-models/package.json'));
const NODE_MODULES = path.resolve(MODELS_DIR, '..');

/** kubernetes-models module path of a kind, e.g. apps/v1 Deployment → kubernetes-models/apps/v1/Deployment. */
function modelPath(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : [null, apiVersion];
  return group ? `${group}/${version}/${kind}` : `${version}/${kind}`;
}

function validateSchema(obj) {
  const rel = modelPath(obj.apiVersion, obj.kind);
  let Model;
  try {
    Model = require(`kubernetes-models/${rel}`)[obj.kind];
  } catch {
    return [`unknown apiVersion/kind ${obj.apiVersion} ${obj.kind} (not in the Kubernetes OpenAPI schemas)`];
  }
  if (!Model) return [`unknown kind ${obj.kind} in ${obj.apiVersion}`];
  const errors = [];
  try {
    new Model(obj).validate();
  } catch (err) {
    errors.push(`schema: ${err.message}`);
  }
  const typeFile = path.join(MODELS_DIR, `${rel}.d.ts`);
  for (const field of unknownFields(obj, typeFile, '')) errors.push(`unknown field ${field}`);
  return errors;
}

// --- strict fields, from the .d.ts declarations -----------------------------------------------

const typeCache = new Map();

/** The fields of the model interface declared in a .d.ts file, or null for a scalar type alias. */
function loadType(file) {
  if (typeCache.has(file)) return typeCache.get(file);
  typeCache.set(file, null); // recursion guard (self-referencing types)
  if (!fs.existsSync(file)) return null;
  const source = fs.readFileSync(file, 'utf8');
  const imports = new Map();
  for (const m of source.matchAll(/import \{ (\w+) \} from "([^"]+)";/g)) {
    const target = m[2].startsWith('.') ? path.resolve(path.dirname(file), m[2]) : path.join(NODE_MODULES, m[2]);
    imports.set(m[1], `${target}.d.ts`);
  }
  const start = source.search(/^export interface I\w+( extends [\w, ]+)? \{$/m);
  if (start < 0) return null;
  const lines = source.slice(start).split('\n').slice(1);
  const fields = new Map();
  for (let i = 0; i < lines.length && lines[i] !== '}'; i++) {
    const m = /^ {4}"([^"]+)"\??: (.*);?$/.exec(lines[i]);
    if (!m) continue;
    let type = m[2].replace(/;$/, '');
    let shape = 'value';
    if (type === '{') {
      // { [key: string]: T; }: a map whose values are T
      shape = 'map';
      type = /\[key: string\]: (.*);/.exec(lines[i + 1])?.[1] ?? 'unknown';
    }
    const array = /^Array<(\w+)>$/.exec(type);
    if (array) {
      shape = shape === 'map' ? 'map' : 'array';
      type = array[1];
    }
    fields.set(m[1], { shape, typeFile: imports.get(type) ?? null });
  }
  typeCache.set(file, fields);
  return fields;
}

function* unknownFields(value, typeFile, at) {
  if (value === null || typeof value !== 'object' || !typeFile) return;
  const fields = loadType(typeFile);
  if (!fields) return;
  for (const [key, child] of Object.entries(value)) {
    const field = fields.get(key);
    const here = at ? `${at}.${key}` : key;
    if (!field) {
      yield here;
      continue;
    }
    if (field.shape === 'array' && Array.isArray(child)) {
      for (const [i, item] of child.entries()) yield* unknownFields(item, field.typeFile, `${here}[${i}]`);
    } else if (field.shape === 'map' && child && typeof child === 'object') {
      for (const [k, item] of Object.entries(child)) yield* unknownFields(item, field.typeFile, `${here}.${k}`);
    } else {
      yield* unknownFields(child, field.typeFile, here);
    }
  }
}

module.exports = { validateSchema };
