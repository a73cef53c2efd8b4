// A re-implementation of the kube-linter checks that matter most for this chart (named as in
// kube-linter's default set, plus no-liveness-probe and no-readiness-probe). It is NOT kube-linter:
// kube-linter itself could not be installed here (see scripts/test-chart.sh). Like kube-linter, an
// object may opt out of a check with the annotation ignore-check.kube-linter.io/<check>: <reason>;
// the reason must be given.
'use strict';

const { containersOf, selects, containerPort, refOf } = require('./render');

const SENSITIVE_HOST_PATHS = ['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr', '/var/run/docker.sock'];
const SECRET_NAME = /secret|password|passwd|token|apikey|api_key/i;

function ignored(obj, check) {
  const annotations = obj.metadata?.annotations ?? {};
  const reason = annotations[`ignore-check.kube-linter.io/${check}`];
  return reason !== undefined && String(reason).trim() !== '';
}

function kubeLint(render) {
  const problems = [];
  const report = (obj, check, message) => {
    if (!ignored(obj, check)) problems.push(`[${check}] ${refOf(obj)}: ${message}`);
  };
  const hpas = render.ofKind('HorizontalPodAutoscaler');
  const serviceAccounts = new Set(render.ofKind('ServiceAccount').map((sa) => sa.metadata.name));

  for (const o of render.objects) {
    if (/^extensions\/v1beta1$/.test(o.apiVersion)) report(o, 'no-extensions-v1beta', `uses ${o.apiVersion}`);
  }

  for (const w of render.workloads()) {
    const o = w.obj;
    const pod = w.spec;
    const psc = pod.securityContext ?? {};
    if (pod.hostNetwork) report(o, 'host-network', 'hostNetwork');
    if (pod.hostPID) report(o, 'host-pid', 'hostPID');
    if (pod.hostIPC) report(o, 'host-ipc', 'hostIPC');
    if (pod.serviceAccount) report(o, 'deprecated-service-account-field', 'serviceAccount is set');
    const sa = pod.serviceAccountName;
    if (sa && sa !== 'default' && !serviceAccounts.has(sa)) report(o, 'non-existent-service-account', `ServiceAccount ${sa} is not rendered`);
    for (const sysctl of psc.sysctls ?? []) report(o, 'unsafe-sysctls', `sysctl ${sysctl.name}`);
    for (const v of pod.volumes ?? []) {
      const p = v.hostPath?.path;
      if (p && p.endsWith('docker.sock')) report(o, 'docker-sock', `mounts ${p}`);
      if (p && SENSITIVE_HOST_PATHS.some((s) => p === s || p.startsWith(`${s}/`))) report(o, 'sensitive-host-mounts', `mounts ${p}`);
    }
    const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.kind === o.kind && h.spec.scaleTargetRef.name === o.metadata.name);
    const replicas = hpa ? hpa.spec.minReplicas ?? 1 : w.replicas;
    if (replicas > 1 && !pod.affinity?.podAntiAffinity) report(o, 'no-anti-affinity', `${replicas} replicas without podAntiAffinity`);
    if (o.kind !== 'Pod' && o.spec?.selector && !selects(o.spec.selector, w.labels)) report(o, 'mismatching-selector', 'selector does not match the pod template');

    for (const { c } of containersOf(pod)) {
      const sc = c.securityContext ?? {};
      const at = `container ${c.name}`;
      const image = String(c.image ?? '');
      const tag = image.includes('@') ? 'digest' : image.slice(image.lastIndexOf('/') + 1).split(':')[1];
      if (!tag || tag === 'latest') report(o, 'latest-tag', `${at}: image ${image}`);
      if (sc.privileged) report(o, 'privileged-container', at);
      if (sc.allowPrivilegeEscalation !== false) report(o, 'privilege-escalation-container', at);
      if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true && !((sc.runAsUser ?? psc.runAsUser) > 0)) report(o, 'run-as-non-root', at);
      if (sc.readOnlyRootFilesystem !== true) report(o, 'no-read-only-root-fs', at);
      const drop = sc.capabilities?.drop ?? [];
      if (!drop.includes('ALL') && !drop.includes('NET_RAW')) report(o, 'drop-net-raw-capability', at);
      if (sc.procMount && sc.procMount !== 'Default') report(o, 'unsafe-proc-mount', at);
      if (!c.resources?.requests?.cpu) report(o, 'unset-cpu-requirements', `${at}: no cpu request`);
      if (!c.resources?.requests?.memory || !c.resources?.limits?.memory) report(o, 'unset-memory-requirements', `${at}: no memory request or limit`);
      for (const p of c.ports ?? []) if (p.containerPort === 22) report(o, 'ssh-port', `${at}: port 22`);
      for (const e of c.env ?? []) if (SECRET_NAME.test(e.name) && e.value !== undefined && e.value !== '') report(o, 'env-var-secret', `${at}: ${e.name} has a literal value`);
    }
    for (const c of pod.containers ?? []) {
      if (!c.livenessProbe) report(o, 'no-liveness-probe', `container ${c.name}`);
      if (!c.readinessProbe) report(o, 'no-readiness-probe', `container ${c.name}`);
      for (const [probe, check] of [['livenessProbe', 'liveness-port'], ['readinessProbe', 'readiness-port'], ['startupProbe', 'startup-port']]) {
        const port = c[probe]?.httpGet?.port ?? c[probe]?.tcpSocket?.port;
        if (port !== undefined && !containerPort(c, port)) report(o, check, `container ${c.name}: ${probe} port ${port} is not exposed`);
      }
    }
  }

  for (const svc of render.ofKind('Service')) {
    const pods = render.workloads().filter((w) => selects(svc.spec?.selector ?? {}, w.labels));
    if (svc.spec?.selector && pods.length === 0) report(svc, 'dangling-service', 'selects no pod');
    for (const p of svc.spec?.ports ?? []) {
      if (typeof p.targetPort !== 'string') continue;
      const found = pods.some((w) => (w.spec.containers ?? []).some((c) => containerPort(c, p.targetPort)));
      if (pods.length && !found) report(svc, 'invalid-target-ports', `targetPort ${p.targetPort} is no container port of the selected pods`);
    }
  }

  for (const pdb of render.ofKind('PodDisruptionBudget')) {
    const targets = render.workloads().filter((w) => w.obj.kind !== 'Pod' && selects(pdb.spec?.selector ?? {}, w.labels));
    if (targets.length === 0) report(pdb, 'dangling-pdb', 'selects no pod');
    if (pdb.spec?.maxUnavailable === 0 || pdb.spec?.maxUnavailable === '0%') report(pdb, 'pdb-max-unavailable', 'maxUnavailable is 0');
    for (const w of targets) {
      const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.name === w.obj.metadata.name);
      const replicas = hpa ? hpa.spec.minReplicas ?? 1 : w.replicas;
      const min = pdb.spec?.minAvailable;
      const minCount = typeof min === 'string' && min.endsWith('%') ? Math.ceil((Number.parseInt(min, 10) / 100) * replicas) : min;
      if (minCount !== undefined && minCount >= replicas) report(pdb, 'pdb-min-available', `minAvailable ${min} leaves no disruption for ${replicas} replica(s) of ${w.ref}`);
    }
  }

  for (const hpa of hpas) {
    const t = hpa.spec?.scaleTargetRef ?? {};
    if (!render.find(t.kind, t.name)) report(hpa, 'dangling-horizontalpodautoscaler', `scales ${t.kind}/${t.name}, which is not rendered`);
  }
  return problems;
}

module.exports = { kubeLint };
