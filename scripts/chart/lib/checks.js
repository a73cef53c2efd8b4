// The chart's own rules, checked on a render. Each check returns a list of problems ("Kind/name: …").
'use strict';

const { SERVICES, INTERNAL_PORTS, containersOf, selects, containerPort, refOf } = require('./render');

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const SAFE_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const COMMON_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by', 'helm.sh/chart'];
const SELECTOR_LABELS = ['app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/name'];

/** Names, labels, and no hard-coded namespace. */
function checkMetadata(render) {
  const problems = [];
  const seen = new Set();
  for (const o of render.objects) {
    const ref = refOf(o);
    const name = o.metadata?.name ?? '';
    if (seen.has(ref)) problems.push(`${ref}: rendered twice`);
    seen.add(ref);
    if (o.metadata?.namespace) problems.push(`${ref}: hard-coded namespace ${o.metadata.namespace}`);
    const nameRule = ['Service', 'Pod'].includes(o.kind) ? DNS_LABEL : DNS_SUBDOMAIN;
    if (!nameRule.test(name)) problems.push(`${ref}: invalid name for a ${o.kind}`);
    // The controller-revision-hash label of a StatefulSet's pods is <name>-<10 chars>, at most 63.
    if (o.kind === 'StatefulSet' && name.length > 52) problems.push(`${ref}: name longer than 52 characters`);
    const labels = o.metadata?.labels ?? {};
    for (const key of COMMON_LABELS) if (!labels[key]) problems.push(`${ref}: label ${key} missing`);
    for (const [k, v] of Object.entries(labels)) if (!LABEL_VALUE.test(String(v))) problems.push(`${ref}: label ${k} has an invalid value ${v}`);
  }
  for (const w of render.workloads()) {
    if (!w.component) problems.push(`${w.ref}: pod template has no app.kubernetes.io/component label`);
    for (const key of COMMON_LABELS) if (!w.labels[key]) problems.push(`${w.ref}: pod label ${key} missing`);
    const selector = w.obj.kind === 'Pod' ? null : w.obj.spec?.selector;
    if (selector) {
      if (selector.matchExpressions) problems.push(`${w.ref}: selector uses matchExpressions`);
      const keys = Object.keys(selector.matchLabels ?? {}).sort();
      if (keys.join() !== SELECTOR_LABELS.join()) problems.push(`${w.ref}: selector labels are ${keys.join(', ')}, want name, instance and component only`);
      if (!selects(selector, w.labels)) problems.push(`${w.ref}: selector does not match its pod template's labels`);
    }
  }
  for (const svc of render.ofKind('Service')) {
    const keys = Object.keys(svc.spec?.selector ?? {}).sort();
    if (keys.join() !== SELECTOR_LABELS.join()) problems.push(`${refOf(svc)}: selector labels are ${keys.join(', ')}, want name, instance and component only`);
  }
  return problems;
}

/** The restricted Pod Security Standard, plus read-only root filesystems and no API token. */
function checkPodSecurity(render) {
  const problems = [];
  for (const w of render.workloads()) {
    const pod = w.spec;
    const psc = pod.securityContext ?? {};
    const where = w.ref;
    for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[f]) problems.push(`${where}: ${f} is set`);
    if (pod.automountServiceAccountToken !== false) problems.push(`${where}: automountServiceAccountToken is not false`);
    if (pod.serviceAccount) problems.push(`${where}: deprecated field serviceAccount`);
    for (const v of pod.volumes ?? []) {
      const type = Object.keys(v).find((k) => k !== 'name');
      if (!SAFE_VOLUME_TYPES.includes(type)) problems.push(`${where}: volume ${v.name} of type ${type} is not allowed by the restricted standard`);
    }
    for (const sysctl of psc.sysctls ?? []) problems.push(`${where}: sysctl ${sysctl.name} is set`);
    const podSeccomp = psc.seccompProfile?.type;
    for (const { c, role } of containersOf(pod)) {
      const at = `${where} ${role} ${c.name}`;
      const sc = c.securityContext ?? {};
      const runAsNonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
      const runAsUser = sc.runAsUser ?? psc.runAsUser;
      if (runAsNonRoot !== true) problems.push(`${at}: runAsNonRoot is not true`);
      if (!Number.isInteger(runAsUser) || runAsUser <= 0) problems.push(`${at}: no numeric non-root runAsUser`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
      if (sc.privileged) problems.push(`${at}: privileged`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${at}: capabilities do not drop ALL`);
      for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') problems.push(`${at}: adds capability ${cap}`);
      const seccomp = sc.seccompProfile?.type ?? podSeccomp;
      if (!['RuntimeDefault', 'Localhost'].includes(seccomp)) problems.push(`${at}: seccompProfile is not RuntimeDefault`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${at}: readOnlyRootFilesystem is not true`);
      for (const p of c.ports ?? []) if (p.hostPort) problems.push(`${at}: hostPort ${p.hostPort}`);
    }
  }
  return problems;
}

const hasQuantity = (r, kind, what) => r?.[kind]?.[what] !== undefined && r[kind][what] !== null && r[kind][what] !== '';

/** Requests and limits (cpu, memory, ephemeral-storage) on every container; images pinned. */
function checkResourcesAndImages(render) {
  const problems = [];
  for (const w of render.workloads()) {
    for (const { c, role } of containersOf(w.spec)) {
      const at = `${w.ref} ${role} ${c.name}`;
      for (const kind of ['requests', 'limits']) for (const what of ['cpu', 'memory', 'ephemeral-storage']) if (!hasQuantity(c.resources, kind, what)) problems.push(`${at}: no ${what} ${kind}`);
      const image = String(c.image ?? '');
      const tag = image.includes('@') ? 'digest' : image.slice(image.lastIndexOf('/') + 1).split(':')[1];
      if (!tag || tag === 'latest') problems.push(`${at}: image ${image} is not pinned to a tag`);
    }
  }
  return problems;
}

/** Probes: every service container has startup, liveness /healthz and readiness /readyz on its public port. */
function checkProbes(render) {
  const problems = [];
  for (const w of render.workloads()) {
    const service = SERVICES[w.component];
    for (const { c, role } of containersOf(w.spec)) {
      if (role !== 'container') continue;
      const at = `${w.ref} ${c.name}`;
      for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const probe = c[kind];
        // Long-running containers need liveness and readiness; the services also a startup probe.
        // (One-shot test pods are kube-lint's concern, where they carry annotated exceptions.)
        const needed = service || (w.obj.kind !== 'Pod' && kind !== 'startupProbe');
        if (!probe) {
          if (needed) problems.push(`${at}: no ${kind}`);
          continue;
        }
        const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
        if (port !== undefined && !containerPort(c, port)) problems.push(`${at}: ${kind} port ${port} is not a container port`);
        if (!service) continue;
        const wantPath = kind === 'readinessProbe' ? '/readyz' : '/healthz';
        if (probe.httpGet?.path !== wantPath) problems.push(`${at}: ${kind} does not GET ${wantPath}`);
        if (containerPort(c, port)?.containerPort !== service.publicPort) problems.push(`${at}: ${kind} is not on the public port ${service.publicPort}`);
      }
    }
  }
  for (const component of Object.keys(SERVICES)) {
    if (!render.serviceWorkload(component)) problems.push(`no Deployment for ${component}`);
  }
  return problems;
}

/**
 * The Ingress routes exactly /api/users, /api/products and /api/orders (Prefix), each to the public
 * port of its service: never /internal, never an internal port, no default backend.
 */
// The three public prefixes, and the Exact sign-in paths a second Ingress rate-limits.
const INGRESS_ROUTES = {
  '/api/users': { component: 'user-service', pathType: 'Prefix' },
  '/api/products': { component: 'product-service', pathType: 'Prefix' },
  '/api/orders': { component: 'order-service', pathType: 'Prefix' },
  '/api/users/login': { component: 'user-service', pathType: 'Exact' },
  '/api/users/register': { component: 'user-service', pathType: 'Exact' },
  '/api/users/token/refresh': { component: 'user-service', pathType: 'Exact' },
};
const REQUIRED_PREFIXES = Object.keys(INGRESS_ROUTES).filter((path) => INGRESS_ROUTES[path].pathType === 'Prefix');

function checkIngress(render) {
  const problems = [];
  const ingresses = render.ofKind('Ingress');
  // Across the Ingresses of the release, by host: each path once, the three prefixes all there.
  const seenByHost = new Map();
  for (const ing of ingresses) {
    const at = refOf(ing);
    if (ing.spec?.defaultBackend) problems.push(`${at}: has a default backend`);
    for (const rule of ing.spec?.rules ?? []) {
      if (!rule.host) problems.push(`${at}: a rule without host`);
      const seen = seenByHost.get(rule.host) ?? [];
      seenByHost.set(rule.host, seen);
      for (const p of rule.http?.paths ?? []) {
        seen.push(p.path);
        if (/internal/i.test(p.path ?? '')) problems.push(`${at}: routes ${p.path}`);
        const route = INGRESS_ROUTES[p.path];
        if (!route) {
          problems.push(`${at}: routes ${p.path}, which is not one of ${Object.keys(INGRESS_ROUTES).join(', ')}`);
          continue;
        }
        if (p.pathType !== route.pathType) problems.push(`${at}: ${p.path} has pathType ${p.pathType}, want ${route.pathType}`);
        const { component } = route;
        const svc = render.find('Service', p.backend?.service?.name);
        if (!svc) {
          problems.push(`${at}: ${p.path} goes to Service ${p.backend?.service?.name}, which is not rendered`);
          continue;
        }
        if (svc.spec?.selector?.['app.kubernetes.io/component'] !== component) problems.push(`${at}: ${p.path} goes to ${refOf(svc)}, not to ${component}`);
        const want = p.backend.service.port ?? {};
        const port = (svc.spec.ports ?? []).find((sp) => (want.name !== undefined ? sp.name === want.name : sp.port === want.number));
        if (!port) {
          problems.push(`${at}: ${p.path} names port ${want.name ?? want.number}, which ${refOf(svc)} does not have`);
          continue;
        }
        // Resolve the Service port to the container port of the service's pods.
        const w = render.serviceWorkload(component);
        const container = w?.spec.containers?.[0];
        const target = container && containerPort(container, port.targetPort ?? port.port);
        const number = target?.containerPort ?? port.port;
        if (INTERNAL_PORTS.has(number) || INTERNAL_PORTS.has(port.port)) problems.push(`${at}: ${p.path} reaches internal port ${number}`);
        if (number !== SERVICES[component].publicPort) problems.push(`${at}: ${p.path} reaches port ${number}, not ${component}'s public port ${SERVICES[component].publicPort}`);
      }
    }
  }
  for (const [host, seen] of seenByHost) {
    const missing = REQUIRED_PREFIXES.filter((p) => !seen.includes(p));
    if (missing.length) problems.push(`Ingress host ${host}: does not route ${missing.join(', ')}`);
    if (seen.length !== new Set(seen).size) problems.push(`Ingress host ${host}: a path is routed twice`);
  }
  return problems;
}

const CPU = (q) => (String(q).endsWith('m') ? Number.parseFloat(q) / 1000 : Number.parseFloat(q));
const MEM_UNITS = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
const MEMORY = (q) => {
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(String(q));
  return m ? Number.parseFloat(m[1]) * (MEM_UNITS[m[2]] ?? 1) : Number.NaN;
};

/** The sum of requests of everything that runs (replicas counted, HPA minimums for scaled ones). */
function resourceTotals(render) {
  const totals = { cpu: 0, memory: 0 };
  for (const w of render.workloads()) {
    const hpa = render.ofKind('HorizontalPodAutoscaler').find((h) => h.spec?.scaleTargetRef?.name === w.obj.metadata.name);
    const replicas = hpa ? hpa.spec.minReplicas ?? 1 : w.replicas;
    for (const { c, role } of containersOf(w.spec)) {
      if (role === 'init container') continue;
      totals.cpu += replicas * CPU(c.resources?.requests?.cpu ?? 0);
      totals.memory += replicas * MEMORY(c.resources?.requests?.memory ?? 0);
    }
  }
  return totals;
}

function checkBudget(render, budget) {
  if (!budget) return [];
  const t = resourceTotals(render);
  const problems = [];
  if (t.cpu > budget.cpu) problems.push(`requests total ${t.cpu.toFixed(2)} CPU, over the budget of ${budget.cpu}`);
  if (t.memory > budget.memory) problems.push(`requests total ${(t.memory / 2 ** 20).toFixed(0)}Mi, over the budget of ${(budget.memory / 2 ** 20).toFixed(0)}Mi`);
  return problems;
}

// Each user-service and order-service pod opens up to this many PostgreSQL connections: a pool of
// 20 (service-kit/src/data/postgres.ts) and, in order-service, the session that LISTENs for changes.
const CONNECTIONS_PER_POD = 21;
const SUPERUSER_RESERVED_CONNECTIONS = 3;

/** The in-cluster PostgreSQL takes as many connections as the most pods of its clients may open. */
function checkDatabaseConnections(render) {
  const pg = render.workloads().find((w) => w.obj.kind === 'StatefulSet' && w.component === 'postgresql');
  if (!pg) return [];
  const setting = (pg.spec.containers[0].args ?? []).map((a) => /^max_connections=(\d+)$/.exec(a)).find(Boolean);
  const max = setting ? Number(setting[1]) : 100; // PostgreSQL's default
  const hpas = render.ofKind('HorizontalPodAutoscaler');
  const parts = [];
  let pods = 0;
  for (const component of ['user-service', 'order-service']) {
    const w = render.serviceWorkload(component);
    if (!w) continue;
    const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.name === w.obj.metadata.name);
    const replicas = hpa ? hpa.spec.maxReplicas : w.replicas;
    // A rolling update adds pods: the Deployment's maxSurge, Kubernetes' 25% (rounded up) unless set;
    // Recreate adds none.
    const surge = w.obj.spec?.strategy?.type === 'Recreate' ? 0 : w.obj.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%';
    const most = replicas + (String(surge).endsWith('%') ? Math.ceil((replicas * parseInt(surge, 10)) / 100) : Number(surge));
    pods += most;
    parts.push(`${most} ${component}`);
  }
  const need = pods * CONNECTIONS_PER_POD;
  const available = max - SUPERUSER_RESERVED_CONNECTIONS;
  return need > available
    ? [`${pg.ref}: max_connections ${max} leaves ${available} connections, but ${parts.join(' and ')} pods (a rolling update's surge included) may open ${need}; raise postgresql.maxConnections`]
    : [];
}

module.exports = {
  checkDatabaseConnections,
  checkMetadata,
  checkPodSecurity,
  checkResourcesAndImages,
  checkProbes,
  checkIngress,
  checkBudget,
  resourceTotals,
  MEMORY,
};
