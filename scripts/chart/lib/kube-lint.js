// A re-implementation of the kube-linter checks that matter for this chart (named as in
// kube-linter's default set, plus no-liveness-probe and no-readiness-probe), leaving out those that
// checks.js already makes as strictly or more (host namespaces, sysctls, volume types, privilege,
// non-root, capabilities, read-only root, resources, pinned images, selectors, probe ports). It is
// NOT kube-linter: kube-linter itself could not be installed here (see scripts/test-chart.sh). Like
// kube-linter, an object may opt out of a check with the annotation
// ignore-check.kube-linter.io/<check>: <reason>; the reason must be given.
'use strict';

const { containersOf, selects, containerPort, refOf } = require('./render');

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
    const sa = pod.serviceAccountName;
    if (sa && sa !== 'default' && !serviceAccounts.has(sa)) report(o, 'non-existent-service-account', `ServiceAccount ${sa} is not rendered`);
    const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.kind === o.kind && h.spec.scaleTargetRef.name === o.metadata.name);
    const replicas = hpa ? hpa.spec.minReplicas ?? 1 : w.replicas;
    if (replicas > 1 && !pod.affinity?.podAntiAffinity) report(o, 'no-anti-affinity', `${replicas} replicas without podAntiAffinity`);

    for (const { c } of containersOf(pod)) {
      const at = `container ${c.name}`;
      if (c.securityContext?.procMount && c.securityContext.procMount !== 'Default') report(o, 'unsafe-proc-mount', at);
      for (const p of c.ports ?? []) if (p.containerPort === 22) report(o, 'ssh-port', `${at}: port 22`);
      for (const e of c.env ?? []) if (SECRET_NAME.test(e.name) && e.value !== undefined && e.value !== '') report(o, 'env-var-secret', `${at}: ${e.name} has a literal value`);
    }
    for (const c of pod.containers ?? []) {
      if (!c.livenessProbe) report(o, 'no-liveness-probe', `container ${c.name}`);
      if (!c.readinessProbe) report(o, 'no-readiness-probe', `container ${c.name}`);
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
