// Evaluates the rendered NetworkPolicies the way the NetworkPolicy API defines them (policies are
// additive allow-lists; a pod selected by no policy of a direction is open in that direction) and
// compares who can reach whom with what DESIGN.md and the chart promise. This shows the policies'
// meaning, not that a CNI enforces them: that needs a cluster (minikube start --cni calico).
'use strict';

const { SERVICES, selects, refOf } = require('./render');

const NAMESPACE = 'release-namespace';
const INTERNET_IP = '203.0.113.10';

/** Component → component:port connections the release needs; everything else between pods is denied. */
const EXPECTED = [
  ['product-service', 'user-service', 4001],
  ['order-service', 'user-service', 4001],
  ['order-service', 'product-service', 4002],
  ['integration-service', 'product-service', 4002],
  ['integration-service', 'order-service', 4003],
  ['user-service', 'postgresql', 5432],
  ['order-service', 'postgresql', 5432],
  ['product-service', 'mongodb', 27017],
  ['order-service', 'rabbitmq', 5672],
  ['integration-service', 'rabbitmq', 5672],
  ['test', 'user-service', 3001],
  ['test', 'product-service', 3002],
  ['test', 'order-service', 3003],
  ['test', 'integration-service', 3004],
];
/** Services that need an external dependency when it is not in the cluster, and on which port. */
const EXTERNAL_CLIENTS = {
  postgresql: ['user-service', 'order-service'],
  mongodb: ['product-service'],
  rabbitmq: ['order-service', 'integration-service'],
};

function ipv4ToInt(ip) {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}
function inCidr(ip, cidr) {
  if (!ip || cidr.includes(':')) return false;
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipv4ToInt(base) / size) * size;
  return ipv4ToInt(ip) >= start && ipv4ToInt(ip) < start + size;
}

/** Does a NetworkPolicy peer match an endpoint? Peers without namespaceSelector mean the policy's namespace. */
function peerMatches(peer, endpoint) {
  if (peer.ipBlock) {
    return inCidr(endpoint.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(endpoint.ip, c));
  }
  if (!endpoint.namespace) return false; // outside the cluster: only ipBlock peers match
  const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector, endpoint.namespaceLabels) : endpoint.namespace === NAMESPACE;
  const podOk = peer.podSelector ? selects(peer.podSelector, endpoint.labels) : true;
  return nsOk && podOk;
}

/** Do a rule's ports admit `port` (number) on the destination, whose named ports resolve through `dst`? */
function portsMatch(rulePorts, dst, port, protocol) {
  if (!rulePorts || rulePorts.length === 0) return true;
  return rulePorts.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    const number = typeof p.port === 'string' ? dst.namedPorts?.[p.port] : p.port;
    return p.endPort ? port >= number && port <= p.endPort : number === port;
  });
}

function allowed(policies, src, dst, port, protocol = 'TCP') {
  const applies = (type, endpoint) =>
    policies.filter((np) => endpoint.namespace === NAMESPACE && selects(np.spec.podSelector ?? {}, endpoint.labels) && (np.spec.policyTypes ?? ['Ingress']).includes(type));
  const egress = applies('Egress', src);
  const egressOk =
    egress.length === 0 ||
    egress.some((np) => (np.spec.egress ?? []).some((rule) => (!rule.to || rule.to.length === 0 || rule.to.some((peer) => peerMatches(peer, dst))) && portsMatch(rule.ports, dst, port, protocol)));
  const ingress = applies('Ingress', dst);
  const ingressOk =
    ingress.length === 0 ||
    ingress.some((np) => (np.spec.ingress ?? []).some((rule) => (!rule.from || rule.from.length === 0 || rule.from.some((peer) => peerMatches(peer, src))) && portsMatch(rule.ports, dst, port, protocol)));
  return egressOk && ingressOk;
}

function releaseEndpoints(render) {
  return render.workloads().map((w) => {
    const ports = (w.spec.containers ?? []).flatMap((c) => c.ports ?? []);
    return {
      name: w.component,
      ref: w.ref,
      namespace: NAMESPACE,
      namespaceLabels: { 'kubernetes.io/metadata.name': NAMESPACE },
      labels: w.labels,
      ports: ports.map((p) => p.containerPort),
      namedPorts: Object.fromEntries(ports.filter((p) => p.name).map((p) => [p.name, p.containerPort])),
    };
  });
}

function checkNetworkPolicies(render, values) {
  const policies = render.ofKind('NetworkPolicy');
  if (policies.length === 0) return [];
  const problems = [];
  for (const np of policies) {
    const selected = render.workloads().filter((w) => selects(np.spec.podSelector ?? {}, w.labels));
    if (selected.length === 0) problems.push(`${refOf(np)}: its podSelector selects no pod of the release`);
  }
  const pods = releaseEndpoints(render);
  const present = new Set(pods.map((p) => p.name));

  // Pod to pod, every container port.
  const want = new Set(EXPECTED.filter(([s, d]) => present.has(s) && present.has(d)).map(([s, d, p]) => `${s} -> ${d}:${p}`));
  const got = new Set();
  for (const src of pods) for (const dst of pods) for (const port of dst.ports) if (src !== dst && allowed(policies, src, dst, port)) got.add(`${src.name} -> ${dst.name}:${port}`);
  for (const c of got) if (!want.has(c)) problems.push(`NetworkPolicies allow ${c}, which nothing needs`);
  for (const c of want) if (!got.has(c)) problems.push(`NetworkPolicies block ${c}, which the release needs`);

  // From outside the release: the ingress controller, a stranger in the namespace, a pod elsewhere.
  const ic = values.networkPolicy.ingressController;
  const controller = {
    name: 'ingress controller', namespace: 'ingress-controller-ns',
    namespaceLabels: ic.namespaceSelector?.matchLabels ?? {}, labels: ic.podSelector?.matchLabels ?? {},
  };
  const stranger = { name: 'another pod in the namespace', namespace: NAMESPACE, namespaceLabels: { 'kubernetes.io/metadata.name': NAMESPACE }, labels: { app: 'stranger' } };
  const elsewhere = { name: 'a pod in another namespace', namespace: 'elsewhere', namespaceLabels: { 'kubernetes.io/metadata.name': 'elsewhere' }, labels: { app: 'stranger' } };
  const ingressOn = render.ofKind('Ingress').length > 0;
  for (const src of [controller, stranger, elsewhere]) {
    for (const dst of pods) {
      for (const port of dst.ports) {
        const expected = src === controller && ingressOn && ['user-service', 'product-service', 'order-service'].includes(dst.name) && port === SERVICES[dst.name].publicPort;
        const actual = allowed(policies, src, dst, port);
        if (actual && !expected) problems.push(`NetworkPolicies let ${src.name} reach ${dst.name}:${port}`);
        if (!actual && expected) problems.push(`NetworkPolicies keep ${src.name} from ${dst.name}:${port}`);
      }
    }
  }

  // Egress beyond the release: DNS for everyone; external dependencies only for their clients.
  const dns = { name: 'cluster DNS', namespace: 'kube-system', namespaceLabels: values.networkPolicy.dns.namespaceSelector?.matchLabels ?? {}, labels: values.networkPolicy.dns.podSelector?.matchLabels ?? {} };
  const internet = { name: 'an address outside the cluster', ip: INTERNET_IP };
  for (const src of pods) {
    for (const protocol of ['UDP', 'TCP']) if (!allowed(policies, src, dns, 53, protocol)) problems.push(`NetworkPolicies block DNS (${protocol}) from ${src.name}`);
    for (const [dep, clients] of Object.entries(EXTERNAL_CLIENTS)) {
      const port = values[dep].external.port;
      const expected = !values[dep].enabled && clients.includes(src.name) && (values[dep].external.egressTo ?? []).length === 0;
      const actual = allowed(policies, src, internet, port);
      if (actual && !expected) problems.push(`NetworkPolicies let ${src.name} reach ${internet.name} on port ${port}`);
      if (!actual && expected) problems.push(`NetworkPolicies keep ${src.name} from the external ${dep} on port ${port}`);
    }
    if (allowed(policies, src, internet, 443)) problems.push(`NetworkPolicies let ${src.name} reach ${internet.name} on port 443`);
  }
  return problems;
}

module.exports = { checkNetworkPolicies, allowed };
