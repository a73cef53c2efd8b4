#!/usr/bin/env node
// Validates one rendering of charts/ecommerce (the output of `helm template`):
//   - every object against the Kubernetes OpenAPI schemas (kubernetes-models), unknown fields included
//   - names, labels and selectors; no hard-coded namespace
//   - the restricted Pod Security Standard and read-only root filesystems on every container,
//     init and test containers included; resources on every container; pinned images
//   - probes on every service container (/healthz, /readyz on the public port)
//   - the Ingresses route /api/users, /api/products, /api/orders (and the rate-limited sign-in paths) and nothing else, never an internal port
//   - environment parity: each service Deployment sets exactly configKeys(configSchema) of
//     <service>/dist/config.js, secrets only through Secrets, and the values pass that schema
//   - checksum/config and checksum/secret match the rendered ConfigMap and the Secret keys each pod reads
//   - NetworkPolicies: who can reach whom, against what the release needs
//   - a subset of kube-linter's checks (kube-linter itself is not installable here)
//   - optionally, a budget for the sum of requests
//
// usage: validate-manifests.js [--chart DIR] [-f values.yaml]... [--set k=v]... [--budget cpu=2,memory=3Gi] rendered.yaml
// The -f/--set arguments must be those the rendering used (the NetworkPolicy check needs the values).
'use strict';

const crypto = require('node:crypto');
const path = require('node:path');
const { Render, SERVICES, refOf } = require('./lib/render');
const { validateSchema } = require('./lib/schema');
const checks = require('./lib/checks');
const { checkEnvironment } = require('./lib/env');
const { checkNetworkPolicies } = require('./lib/network');
const { kubeLint } = require('./lib/kube-lint');
const { chartValues } = require('./lib/values');

/** Go's encoding/json for what the chart hashes: objects with sorted keys, strings without HTML characters. */
function goJson(value) {
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${goJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}
const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * checksum/config and checksum/secret are the sums of what the pod actually reads, in this render:
 * required on the four services and on every pod that mounts a Secret the chart renders (the
 * broker's definitions), checked wherever else a pod carries them.
 */
function checkChecksumValues(render) {
  const problems = [];
  const services = new Set(Object.keys(SERVICES).map((c) => render.serviceWorkload(c)?.ref).filter(Boolean));
  for (const w of render.workloads()) {
    const mountsRenderedSecret = (w.spec.volumes ?? []).some((v) => v.secret && render.find('Secret', v.secret.secretName));
    if (!services.has(w.ref) && !mountsRenderedSecret && !('checksum/secret' in w.annotations || 'checksum/config' in w.annotations)) continue;
    const container = w.spec.containers[0];
    const cmName = container.envFrom?.find((e) => e.configMapRef)?.configMapRef.name ?? w.spec.volumes?.find((v) => v.configMap)?.configMap.name;
    const cm = render.find('ConfigMap', cmName);
    if (cm && w.annotations['checksum/config'] !== sha256(goJson(cm.data ?? {}))) problems.push(`${w.ref}: checksum/config does not match ${refOf(cm)}`);
    // Only the keys the pod reads (its env, its Secret volumes' items): a change to any other key must not roll it.
    const read = {};
    const refs = [
      ...(container.env ?? []).map((e) => e.valueFrom?.secretKeyRef).filter(Boolean),
      ...(w.spec.volumes ?? []).flatMap((v) => (v.secret?.items ?? []).map((item) => ({ name: v.secret.secretName, key: item.key }))),
    ];
    for (const ref of refs) {
      const data = render.find('Secret', ref.name)?.data ?? {};
      if (ref.key in data) read[`${ref.name}/${ref.key}`] = data[ref.key];
    }
    if (w.annotations['checksum/secret'] !== sha256(goJson(read))) {
      problems.push(`${w.ref}: checksum/secret does not match the Secret keys it reads (${Object.keys(read).sort().join(', ') || 'none rendered'})`);
    }
  }
  return problems;
}

function parseArgs(argv) {
  const args = { valueFiles: [], sets: [], budget: null, chart: path.resolve(__dirname, '../../charts/ecommerce'), files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-f' || a === '--values') args.valueFiles.push(argv[++i]);
    else if (a === '--set') args.sets.push(argv[++i]);
    else if (a === '--chart') args.chart = argv[++i];
    else if (a === '--budget') {
      const parts = Object.fromEntries(argv[++i].split(',').map((kv) => kv.split('=')));
      args.budget = { cpu: Number(parts.cpu), memory: checks.MEMORY(parts.memory) };
    } else args.files.push(a);
  }
  if (args.files.length !== 1) {
    console.error('usage: validate-manifests.js [--chart DIR] [-f values.yaml]... [--set k=v]... [--budget cpu=2,memory=3Gi] rendered.yaml');
    process.exit(2);
  }
  return args;
}

function validate(render, values, budget) {
  const sections = [];
  const schemaProblems = [];
  for (const o of render.objects) for (const e of validateSchema(o)) schemaProblems.push(`${refOf(o)}: ${e}`);
  sections.push(['Kubernetes OpenAPI schemas', schemaProblems]);
  sections.push(['names, labels, selectors', checks.checkMetadata(render)]);
  sections.push(['restricted pod security', checks.checkPodSecurity(render)]);
  sections.push(['resources and images', checks.checkResourcesAndImages(render)]);
  sections.push(['probes', checks.checkProbes(render)]);
  sections.push(['ingress routes', checks.checkIngress(render)]);
  sections.push(['database connections', checks.checkDatabaseConnections(render)]);
  const env = checkEnvironment(render);
  sections.push(['environment parity', env.problems]);
  sections.push(['checksum annotations', checkChecksumValues(render)]);
  sections.push(['network policies', checkNetworkPolicies(render, values)]);
  sections.push(['kube-linter checks (re-implemented subset)', kubeLint(render)]);
  if (budget) sections.push(['resource budget', checks.checkBudget(render, budget)]);
  return { sections, notes: env.notes };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const render = Render.load(args.files[0]);
  const values = chartValues(args.chart, args.valueFiles, args.sets);
  const { sections, notes } = validate(render, values, args.budget);
  const totals = checks.resourceTotals(render);
  let failed = 0;
  for (const [title, problems] of sections) {
    if (problems.length === 0) continue;
    failed += problems.length;
    console.log(`  ✗ ${title}`);
    for (const p of problems) console.log(`      ${p}`);
  }
  const summary = `${render.objects.length} objects, requests ${totals.cpu.toFixed(2)} CPU / ${(totals.memory / 2 ** 20).toFixed(0)}Mi`;
  for (const n of notes) console.log(`    note: ${n}`);
  if (failed) {
    console.log(`  ${failed} problem(s) in ${args.files[0]} (${summary})`);
    process.exit(1);
  }
  console.log(`  ✓ ${sections.length} check groups passed (${summary})`);
}

if (require.main === module) main();

module.exports = { validate, goJson };
