// Environment parity: the variables each service Deployment sets are exactly the ones its
// configuration reads (configKeys(configSchema) from <service>/dist/config.js), every secret comes
// from a Secret, and the values the chart renders pass the service's own config validation.
'use strict';

const path = require('node:path');
const { SERVICES, refOf } = require('./render');

const REPO_ROOT = path.resolve(__dirname, '../../..');
/** Variables whose value is a credential (or a URL carrying one): never literal, never in a ConfigMap. */
const SECRET_VARIABLES = new Set(['DATABASE_URL', 'MONGODB_URL', 'RABBITMQ_URL', 'JWT_SECRET', 'INTERNAL_API_TOKEN', 'ADMIN_EMAIL', 'ADMIN_PASSWORD']);

function loadServiceConfig(component) {
  const file = path.join(REPO_ROOT, component, 'dist', 'config.js');
  const { configSchema } = require(file);
  const { configKeys } = require(path.join(REPO_ROOT, 'service-kit', 'dist', 'index.js'));
  if (!configSchema) throw new Error(`${file} exports no configSchema`);
  return { configSchema, keys: configKeys(configSchema) };
}

/**
 * The variables a container gets, with where each value comes from: literal, ConfigMap key, Secret
 * key. The decoded value when the source is rendered here, else undefined (an existing Secret).
 */
function resolveEnvironment(render, container) {
  const vars = new Map();
  const problems = [];
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) {
      const cm = render.find('ConfigMap', from.configMapRef.name);
      if (!cm) {
        problems.push(`envFrom ConfigMap ${from.configMapRef.name} is not rendered`);
        continue;
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) vars.set(`${from.prefix ?? ''}${k}`, { source: `ConfigMap ${cm.metadata.name}`, value: v, plain: true });
    } else if (from.secretRef) {
      const secret = render.find('Secret', from.secretRef.name);
      if (!secret) problems.push(`envFrom Secret ${from.secretRef.name} is not rendered: its keys cannot be listed`);
      for (const [k, v] of Object.entries(secret?.data ?? {})) vars.set(`${from.prefix ?? ''}${k}`, { source: `Secret ${secret.metadata.name}`, value: Buffer.from(v, 'base64').toString('utf8') });
    }
  }
  const seen = new Set();
  for (const e of container.env ?? []) {
    if (seen.has(e.name)) problems.push(`variable ${e.name} is set twice`);
    seen.add(e.name);
    if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const secret = render.find('Secret', name);
      if (secret && !(key in (secret.data ?? {}))) problems.push(`${e.name} reads key ${key}, which Secret ${name} does not have`);
      const raw = secret?.data?.[key];
      vars.set(e.name, { source: `Secret ${name}${secret ? '' : ' (existing)'} key ${key}`, value: raw === undefined ? undefined : Buffer.from(raw, 'base64').toString('utf8') });
    } else if (e.valueFrom?.configMapKeyRef) {
      const { name, key } = e.valueFrom.configMapKeyRef;
      vars.set(e.name, { source: `ConfigMap ${name} key ${key}`, value: render.find('ConfigMap', name)?.data?.[key], plain: true });
    } else if (e.valueFrom) {
      vars.set(e.name, { source: 'field reference', value: undefined, plain: true });
    } else {
      vars.set(e.name, { source: 'literal', value: e.value ?? '', plain: true });
    }
  }
  return { vars, problems };
}

function checkEnvironment(render) {
  const problems = [];
  const notes = [];
  for (const component of Object.keys(SERVICES)) {
    const w = render.serviceWorkload(component);
    if (!w) continue;
    const container = w.spec.containers.find((c) => c.name === component) ?? w.spec.containers[0];
    const at = `${w.ref}`;
    const { configSchema, keys } = loadServiceConfig(component);
    const { vars, problems: envProblems } = resolveEnvironment(render, container);
    problems.push(...envProblems.map((p) => `${at}: ${p}`));

    const names = [...vars.keys()].sort();
    const extra = names.filter((n) => !keys.includes(n));
    const missing = keys.filter((k) => !vars.has(k));
    if (extra.length) problems.push(`${at}: sets ${extra.join(', ')}, which ${component}'s configuration does not read`);
    if (missing.length) problems.push(`${at}: does not set ${missing.join(', ')}, which ${component}'s configuration reads`);
    if (w.spec.enableServiceLinks !== false) problems.push(`${at}: enableServiceLinks is not false (Kubernetes would add *_SERVICE_HOST/_PORT variables)`);

    for (const [name, v] of vars) {
      if (SECRET_VARIABLES.has(name) && v.plain) problems.push(`${at}: ${name} comes from ${v.source}, not from a Secret`);
    }

    // The rendered values must pass the service's own validation (all that are known here).
    const known = Object.fromEntries([...vars].filter(([k, v]) => keys.includes(k) && v.value !== undefined).map(([k, v]) => [k, v.value]));
    const unknown = keys.filter((k) => vars.has(k) && vars.get(k).value === undefined);
    const schema = unknown.length ? configSchema.omit(Object.fromEntries(unknown.map((k) => [k, true]))) : configSchema;
    const parsed = schema.safeParse(known);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${at}: ${component}'s configuration rejects ${issue.path.join('.')}: ${issue.message}`);
    }
    if (unknown.length) notes.push(`${component}: ${unknown.join(', ')} come from existing Secrets (names checked, values not)`);
  }
  // No ConfigMap of the release carries a credential.
  for (const cm of render.ofKind('ConfigMap')) {
    for (const key of Object.keys(cm.data ?? {})) if (SECRET_VARIABLES.has(key)) problems.push(`${refOf(cm)}: holds ${key}`);
  }
  return { problems, notes };
}

module.exports = { checkEnvironment, loadServiceConfig, resolveEnvironment };
