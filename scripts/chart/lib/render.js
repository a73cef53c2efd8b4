// One `helm template` output, parsed and indexed for the checks.
'use strict';

const fs = require('node:fs');
const yaml = require('js-yaml');

/** The four application services: their public and internal ports (DESIGN.md § Conventions). */
const SERVICES = {
  'user-service': { publicPort: 3001, internalPort: 4001 },
  'product-service': { publicPort: 3002, internalPort: 4002 },
  'order-service': { publicPort: 3003, internalPort: 4003 },
  'integration-service': { publicPort: 3004, internalPort: null },
};
const INTERNAL_PORTS = new Set(Object.values(SERVICES).map((s) => s.internalPort).filter(Boolean));
const POD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

class Render {
  constructor(file, text) {
    this.file = file;
    this.objects = yaml.loadAll(text).filter((doc) => doc && typeof doc === 'object');
  }

  static load(file) {
    return new Render(file, fs.readFileSync(file, 'utf8'));
  }

  ofKind(kind) {
    return this.objects.filter((o) => o.kind === kind);
  }

  find(kind, name) {
    return this.objects.find((o) => o.kind === kind && o.metadata?.name === name);
  }

  /** Every object that runs pods, with its pod template. */
  workloads() {
    return this.objects
      .filter((o) => POD_KINDS.has(o.kind))
      .map((o) => {
        const template = o.kind === 'Pod' ? o : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
        return {
          obj: o,
          ref: refOf(o),
          spec: template?.spec ?? {},
          labels: template?.metadata?.labels ?? {},
          annotations: template?.metadata?.annotations ?? {},
          replicas: o.kind === 'Pod' ? 1 : o.spec?.replicas ?? 1,
          component: (template?.metadata?.labels ?? {})['app.kubernetes.io/component'],
        };
      });
  }

  /** The Deployment of one of the four services, by component label. */
  serviceWorkload(component) {
    return this.workloads().find((w) => w.obj.kind === 'Deployment' && w.component === component);
  }
}

const refOf = (o) => `${o.kind}/${o.metadata?.name}`;

/** Every container of a pod spec, init and ephemeral ones included, with its role. */
function containersOf(spec) {
  return [
    ...(spec.initContainers ?? []).map((c) => ({ c, role: 'init container' })),
    ...(spec.containers ?? []).map((c) => ({ c, role: 'container' })),
    ...(spec.ephemeralContainers ?? []).map((c) => ({ c, role: 'ephemeral container' })),
  ];
}

/** matchLabels semantics (the chart uses no matchExpressions; one is reported by the caller). */
function selects(selector, labels) {
  const wanted = selector?.matchLabels ?? selector ?? {};
  return Object.entries(wanted).every(([k, v]) => labels?.[k] === v);
}

/** A container port by number or name. */
function containerPort(container, port) {
  return (container.ports ?? []).find((p) => p.containerPort === port || p.name === port);
}

module.exports = { Render, SERVICES, INTERNAL_PORTS, containersOf, selects, containerPort, refOf };
