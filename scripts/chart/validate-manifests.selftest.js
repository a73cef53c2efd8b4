#!/usr/bin/env node
// Shows that validate-manifests.js catches what it claims to: it takes a clean rendering with the
// default values, breaks it one way at a time, and expects each break to be reported (and the clean
// rendering to pass). usage: validate-manifests.selftest.js rendered-with-defaults.yaml
'use strict';

const path = require('node:path');
const { Render } = require('./lib/render');
const { chartValues } = require('./lib/values');
const { validate } = require('./validate-manifests');

const CHART = path.resolve(__dirname, '../../charts/ecommerce');

const byComponent = (r, kind, component) => r.objects.find((o) => o.kind === kind && o.metadata.labels['app.kubernetes.io/component'] === component);
const container = (r, component) => byComponent(r, 'Deployment', component).spec.template.spec.containers[0];
const policy = (r, component) => byComponent(r, 'NetworkPolicy', component);
const ingressPaths = (r, index = 0) => r.objects.filter((o) => o.kind === 'Ingress')[index].spec.rules[0].http.paths;

/** [what is broken, how, a text the report must contain] */
const CASES = [
  ['more database connections than PostgreSQL takes', (r) => { byComponent(r, 'Deployment', 'order-service').spec.replicas = 4; }, 'may open 147; raise postgresql.maxConnections'],
  ['a writable root filesystem', (r) => { container(r, 'user-service').securityContext.readOnlyRootFilesystem = false; }, 'readOnlyRootFilesystem is not true'],
  ['an init container without a security context', (r) => {
    byComponent(r, 'Deployment', 'product-service').spec.template.spec.initContainers = [{ name: 'wait', image: 'busybox:1.37', resources: { requests: { cpu: '10m', memory: '8Mi', 'ephemeral-storage': '8Mi' }, limits: { cpu: '10m', memory: '8Mi', 'ephemeral-storage': '8Mi' } } }];
  }, 'init container wait: allowPrivilegeEscalation is not false'],
  ['a root user', (r) => { byComponent(r, 'StatefulSet', 'mongodb').spec.template.spec.securityContext.runAsUser = 0; byComponent(r, 'StatefulSet', 'mongodb').spec.template.spec.containers[0].securityContext.runAsUser = 0; }, 'no numeric non-root runAsUser'],
  ['capabilities kept', (r) => { delete container(r, 'order-service').securityContext.capabilities; }, 'capabilities do not drop ALL'],
  ['a hostPath volume', (r) => { byComponent(r, 'Deployment', 'order-service').spec.template.spec.volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }); }, 'volume docker of type hostPath is not allowed'],
  ['the API token mounted', (r) => { byComponent(r, 'Deployment', 'user-service').spec.template.spec.automountServiceAccountToken = true; }, 'automountServiceAccountToken is not false'],
  ['a variable the service does not read', (r) => { container(r, 'order-service').env.push({ name: 'EXTRA', value: '1' }); }, "sets EXTRA, which order-service's configuration does not read"],
  ['a variable the service needs, missing', (r) => { delete byComponent(r, 'ConfigMap', 'order-service').data.ORDER_PAYMENT_TIMEOUT; }, "does not set ORDER_PAYMENT_TIMEOUT, which order-service's configuration reads"],
  ['a secret in plain env', (r) => {
    const c = container(r, 'user-service');
    c.env = c.env.map((e) => (e.name === 'JWT_SECRET' ? { name: 'JWT_SECRET', value: 'x'.repeat(40) } : e));
  }, 'JWT_SECRET comes from literal, not from a Secret'],
  ['a value the service rejects', (r) => { byComponent(r, 'ConfigMap', 'user-service').data.LOG_LEVEL = 'verbose'; }, "user-service's configuration rejects LOG_LEVEL"],
  ['a Secret key that does not exist', (r) => { container(r, 'product-service').env[0].valueFrom.secretKeyRef.key = 'nope'; }, 'reads key nope'],
  ['service links on', (r) => { byComponent(r, 'Deployment', 'integration-service').spec.template.spec.enableServiceLinks = true; }, 'enableServiceLinks is not false'],
  ['an /internal route', (r) => { ingressPaths(r).push({ path: '/internal', pathType: 'Prefix', backend: { service: { name: ingressPaths(r)[0].backend.service.name, port: { name: 'internal' } } } }); }, 'routes /internal'],
  ['a route to an internal port', (r) => { ingressPaths(r)[0].backend.service.port = { name: 'internal' }; }, 'reaches internal port 4001'],
  ['a route to an internal port by number', (r) => { ingressPaths(r)[1].backend.service.port = { number: 4002 }; }, 'reaches internal port 4002'],
  ['a missing route', (r) => { ingressPaths(r).pop(); }, 'does not route /api/orders'],
  ['a route too many', (r) => { ingressPaths(r).push({ ...ingressPaths(r)[0], path: '/metrics' }); }, 'routes /metrics, which is not one of'],
  ['an Exact path', (r) => { ingressPaths(r)[0].pathType = 'Exact'; }, 'has pathType Exact'],
  ['a sign-in path as a Prefix', (r) => { ingressPaths(r, 1)[0].pathType = 'Prefix'; }, '/api/users/login has pathType Prefix, want Exact'],
  ['a sign-in path to another service', (r) => { ingressPaths(r, 1)[1].backend.service.name = ingressPaths(r)[2].backend.service.name; }, '/api/users/register goes to'],
  ['a path in both Ingresses', (r) => { ingressPaths(r, 1).push({ ...ingressPaths(r)[1] }); }, 'a path is routed twice'],
  ['a caller too many on an internal port', (r) => {
    policy(r, 'user-service').spec.ingress[1].from.push({ podSelector: { matchLabels: { ...policy(r, 'user-service').spec.podSelector.matchLabels, 'app.kubernetes.io/component': 'integration-service' } } });
    policy(r, 'integration-service').spec.egress.push({ to: [{ podSelector: { matchLabels: { ...policy(r, 'user-service').spec.podSelector.matchLabels } } }], ports: [{ port: 4001, protocol: 'TCP' }] });
  }, 'NetworkPolicies allow integration-service -> user-service:4001'],
  ['a needed caller blocked', (r) => { policy(r, 'user-service').spec.ingress.splice(1, 1); }, 'NetworkPolicies block product-service -> user-service:4001'],
  ['an open database', (r) => { delete byComponent(r, 'NetworkPolicy', 'postgresql').spec.ingress[0].from; }, 'NetworkPolicies let another pod in the namespace reach postgresql:5432'],
  ['the internet reachable', (r) => { policy(r, 'product-service').spec.egress.push({ ports: [{ port: 443, protocol: 'TCP' }] }); }, 'NetworkPolicies let product-service reach an address outside the cluster on port 443'],
  ['the ingress controller on an internal port', (r) => { policy(r, 'order-service').spec.ingress[0].ports.push({ port: 4003, protocol: 'TCP' }); }, 'NetworkPolicies let ingress controller reach order-service:4003'],
  ['no DNS', (r) => { r.objects = r.objects.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name.endsWith('-allow-dns'))); }, 'NetworkPolicies block DNS (UDP) from user-service'],
  ['no cpu limit', (r) => { delete byComponent(r, 'StatefulSet', 'mongodb').spec.template.spec.containers[0].resources.limits.cpu; }, 'no cpu limits'],
  ['no ephemeral-storage limit', (r) => { delete byComponent(r, 'Deployment', 'order-service').spec.template.spec.containers[0].resources.limits['ephemeral-storage']; }, 'no ephemeral-storage limits'],
  ['a latest tag', (r) => { container(r, 'user-service').image = 'ecommerce/user-service:latest'; }, 'image ecommerce/user-service:latest is not pinned to a tag'],
  ['an unknown field', (r) => { container(r, 'user-service').securityContext.readOnlyRootFileSystem = true; }, 'unknown field spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem'],
  ['a wrong type', (r) => { container(r, 'user-service').ports[0].containerPort = 'http'; }, 'containerPort must be integer'],
  ['a stale config checksum', (r) => { byComponent(r, 'ConfigMap', 'product-service').data.LOG_LEVEL = 'debug'; }, 'checksum/config does not match'],
  ['a stale secret checksum', (r) => { byComponent(r, 'Secret', 'postgresql').data['orders-database-url'] = 'Y2hhbmdlZA=='; }, 'order-service: checksum/secret does not match'],
  ['no secret checksum', (r) => { delete byComponent(r, 'Deployment', 'integration-service').spec.template.metadata.annotations['checksum/secret']; }, 'integration-service: checksum/secret does not match'],
  ['stale broker definitions', (r) => { byComponent(r, 'Secret', 'rabbitmq').data['definitions.json'] = 'e30='; }, 'rabbitmq: checksum/secret does not match'],
  ['no broker checksums', (r) => { delete byComponent(r, 'StatefulSet', 'rabbitmq').spec.template.metadata.annotations; }, 'rabbitmq: checksum/secret does not match'],
  ['no startup probe', (r) => { delete container(r, 'integration-service').startupProbe; }, 'no startupProbe'],
  ['readiness on /healthz', (r) => { container(r, 'order-service').readinessProbe.httpGet.path = '/healthz'; }, 'readinessProbe does not GET /readyz'],
  ['a probe on the internal port', (r) => { container(r, 'product-service').livenessProbe.httpGet.port = 'internal'; }, 'livenessProbe is not on the public port 3002'],
  ['no readiness probe on a database', (r) => { delete byComponent(r, 'StatefulSet', 'rabbitmq').spec.template.spec.containers[0].readinessProbe; }, '[no-readiness-probe]'],
  ['an unannotated test pod', (r) => { delete r.objects.find((o) => o.kind === 'Pod').metadata.annotations['ignore-check.kube-linter.io/no-liveness-probe']; }, '[no-liveness-probe]'],
  ['a version label in a selector', (r) => { byComponent(r, 'Service', 'user-service').spec.selector['app.kubernetes.io/version'] = '1.0.0'; }, 'selector labels are'],
  ['a hard-coded namespace', (r) => { byComponent(r, 'ConfigMap', 'user-service').metadata.namespace = 'default'; }, 'hard-coded namespace'],
  ['a Service selecting nothing', (r) => { byComponent(r, 'Service', 'mongodb').spec.selector['app.kubernetes.io/component'] = 'mongo'; }, '[dangling-service]'],
  ['a PDB that blocks drains', (r) => {
    const d = byComponent(r, 'Deployment', 'user-service');
    r.objects.push({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { ...d.metadata, name: `${d.metadata.name}-pdb` }, spec: { minAvailable: 1, selector: d.spec.selector } });
  }, '[pdb-min-available]'],
];

function problemsOf(render, values, budget) {
  return validate(render, values, budget).sections.flatMap(([title, problems]) => problems.map((p) => `${title}: ${p}`));
}

function main() {
  const file = process.argv[2];
  const values = chartValues(CHART);
  let failed = 0;
  const clean = problemsOf(Render.load(file), values, { cpu: 2, memory: 3 * 2 ** 30 });
  if (clean.length) {
    console.log(`  ✗ the clean rendering has problems:\n      ${clean.join('\n      ')}`);
    failed++;
  }
  for (const [what, breakIt, expected] of CASES) {
    const render = Render.load(file);
    breakIt(render);
    const problems = problemsOf(render, values);
    if (!problems.some((p) => p.includes(expected))) {
      console.log(`  ✗ not caught: ${what} (expected "${expected}")${problems.length ? `; reported instead:\n      ${problems.join('\n      ')}` : ''}`);
      failed++;
    }
  }
  const tight = problemsOf(Render.load(file), values, { cpu: 0.1, memory: 2 ** 20 });
  if (!tight.some((p) => p.includes('over the budget'))) {
    console.log('  ✗ not caught: requests over the budget');
    failed++;
  }
  if (failed) {
    console.log(`  ${failed} self-test(s) failed`);
    process.exit(1);
  }
  console.log(`  ✓ the validator catches all ${CASES.length + 1} kinds of breakage tried, and passes the clean rendering`);
}

main();
