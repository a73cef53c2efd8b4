{{/*
Shared shapes of the four application services' objects. Each service's own template files
(templates/<service>/*.yaml) say what differs: its ports, its configuration and its Secrets.
Every helper takes (dict "root" $ "component" "<service>" "values" .Values.<service> ...).
*/}}

{{/*
The Deployment. Extra keys:
  ports            list of (dict "name" "http" "port" 3001); the first is the public port, which probes use
  secretEnv        list of (dict "name" "DATABASE_URL" "secret" "<Secret>" "key" "<key>")
checksum/config is sha256 of the JSON of its ConfigMap's data, checksum/secret of the Secret keys
secretEnv reads (scripts/chart checks both sums).
The environment is exactly: the keys of the component's ConfigMap (envFrom) + secretEnv
(+ values.extraEnv, empty by default). Service links are off so Kubernetes adds no variables.
*/}}
{{- define "ecommerce.serviceDeployment" -}}
{{- $root := .root }}
{{- $v := .values }}
{{- $name := include "ecommerce.componentName" . }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "ecommerce.componentLabels" . | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "ecommerce.componentSelectorLabels" . | nindent 6 }}
  template:
    metadata:
      annotations:
        checksum/config: {{ include "ecommerce.configChecksum" (dict "root" $root "path" (print .component "/configmap.yaml")) }}
        checksum/secret: {{ include "ecommerce.secretsChecksum" (dict "root" $root "secretEnv" .secretEnv) }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "ecommerce.componentLabels" . | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "ecommerce.serviceAccountName" $root }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with include "ecommerce.imagePullSecrets" $root }}
{{ . | indent 6 }}
{{- end }}
      securityContext:
        {{- include "ecommerce.podSecurityContext" (dict "runAsUser" 10001 "runAsGroup" 10001 "fsGroup" 10001) | nindent 8 }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      containers:
        - name: {{ .component }}
          image: {{ include "ecommerce.serviceImage" (dict "root" $root "image" $v.image) | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          ports:
            {{- range .ports }}
            - name: {{ .name }}
              containerPort: {{ .port }}
              protocol: TCP
            {{- end }}
          envFrom:
            - configMapRef:
                name: {{ $name }}
          env:
            {{- range .secretEnv }}
            - name: {{ .name }}
              valueFrom:
                secretKeyRef:
                  name: {{ .secret }}
                  key: {{ .key }}
            {{- end }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          startupProbe:
            httpGet:
              path: /healthz
              port: http
            {{- toYaml $v.probes.startup | nindent 12 }}
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            {{- toYaml $v.probes.liveness | nindent 12 }}
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            {{- toYaml $v.probes.readiness | nindent 12 }}
          lifecycle:
            preStop:
              # Readiness turns 503 on SIGTERM, but endpoints are updated asynchronously: give the
              # ingress controller and kube-proxy a moment to stop sending new requests here.
              exec:
                command: ["sleep", "5"]
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- include "ecommerce.containerSecurityContext" (dict "runAsUser" 10001 "runAsGroup" 10001) | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        {{- include "ecommerce.tmpVolume" . | nindent 8 }}
      {{- include "ecommerce.scheduling" . | trim | nindent 6 }}
{{- end }}

{{/* The ConfigMap with the non-secret variables. Extra key: data (variable name → value). */}}
{{- define "ecommerce.serviceConfigMap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "ecommerce.componentName" . }}
  labels:
    {{- include "ecommerce.componentLabels" . | nindent 4 }}
data:
  {{- range $key, $value := .data }}
  {{ $key }}: {{ $value | toString | quote }}
  {{- end }}
{{- end }}

{{/* The ClusterIP Service. Extra key: ports, as for the Deployment. */}}
{{- define "ecommerce.serviceService" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "ecommerce.componentName" . }}
  labels:
    {{- include "ecommerce.componentLabels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "ecommerce.componentSelectorLabels" . | nindent 4 }}
  ports:
    {{- range .ports }}
    - name: {{ .name }}
      port: {{ .port }}
      targetPort: {{ .name }}
      protocol: TCP
    {{- end }}
{{- end }}

{{/* The HorizontalPodAutoscaler, when values.autoscaling.enabled. */}}
{{- define "ecommerce.serviceHpa" -}}
{{- $a := .values.autoscaling }}
{{- if $a.enabled }}
{{- if gt (int $a.minReplicas) (int $a.maxReplicas) }}
{{- fail (printf "%s.autoscaling.minReplicas (%d) is greater than maxReplicas (%d)" .valuesKey (int $a.minReplicas) (int $a.maxReplicas)) }}
{{- end }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "ecommerce.componentName" . }}
  labels:
    {{- include "ecommerce.componentLabels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "ecommerce.componentName" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    {{- if $a.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
    {{- end }}
    {{- if $a.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ $a.targetMemoryUtilizationPercentage }}
    {{- end }}
{{- end }}
{{- end }}

{{/*
The PodDisruptionBudget, when values.pdb.enabled. minAvailable (a count, or a percentage rounded up
as Kubernetes does) must stay below the fewest replicas the service runs (replicaCount, or
autoscaling.minReplicas): otherwise no pod may ever be evicted and every node drain blocks.
*/}}
{{- define "ecommerce.servicePdb" -}}
{{- $v := .values }}
{{- if $v.pdb.enabled }}
{{- $minReplicas := int (ternary $v.autoscaling.minReplicas $v.replicaCount $v.autoscaling.enabled) }}
{{- $min := $v.pdb.minAvailable }}
{{- $minCount := 0 }}
{{- if kindIs "string" $min }}
{{- $minCount = div (add (mul (trimSuffix "%" $min | atoi) $minReplicas) 99) 100 }}
{{- else }}
{{- $minCount = int $min }}
{{- end }}
{{- if ge (int $minCount) $minReplicas }}
{{- fail (printf "%s.pdb.minAvailable (%v) must be below the service's minimum replicas (%d: replicaCount, or autoscaling.minReplicas when autoscaling is on): a PodDisruptionBudget no pod can leave blocks every node drain" .valuesKey $min $minReplicas) }}
{{- end }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "ecommerce.componentName" . }}
  labels:
    {{- include "ecommerce.componentLabels" . | nindent 4 }}
spec:
  minAvailable: {{ $min }}
  selector:
    matchLabels:
      {{- include "ecommerce.componentSelectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}

{{/*
NetworkPolicy peers. componentPeer takes (dict "root" $ "component" "order-service"): that
component's pods of this release. The others take the root context.
*/}}
{{- define "ecommerce.componentPeer" -}}
- podSelector:
    matchLabels:
      {{- include "ecommerce.componentSelectorLabels" . | nindent 6 }}
{{- end }}

{{- define "ecommerce.ingressControllerPeer" -}}
{{- $ic := .Values.networkPolicy.ingressController }}
- namespaceSelector:
    {{- toYaml $ic.namespaceSelector | nindent 4 }}
  {{- with $ic.podSelector }}
  podSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/* The helm test pods of this release, which check the public ports. */}}
{{- define "ecommerce.testPeer" -}}
{{- if .Values.tests.enabled -}}
- podSelector:
    matchLabels:
      {{- include "ecommerce.componentSelectorLabels" (dict "root" . "component" "test") | nindent 6 }}
{{- end }}
{{- end }}

{{/* Extra peers allowed to scrape /metrics on the public ports (e.g. Prometheus). */}}
{{- define "ecommerce.metricsPeers" -}}
{{- with .Values.networkPolicy.metricsFrom }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/*
Egress to a dependency: the in-cluster pods when enabled, else the external port (to the
configured peers, or anywhere when none are configured: an external host's address is not known).
Takes (dict "root" $ "component" "postgresql" "values" .Values.postgresql "port" 5432).
*/}}
{{- define "ecommerce.dependencyEgress" -}}
{{- if .values.enabled -}}
- to:
    {{- include "ecommerce.componentPeer" . | nindent 4 }}
  ports:
    - port: {{ .port }}
      protocol: TCP
{{- else -}}
- ports:
    - port: {{ .values.external.port }}
      protocol: TCP
  {{- with .values.external.egressTo }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
Who may reach a component's public port: the ingress controller (for the API services, when the
Ingress is on), the release's helm test pods and any configured metrics scrapers. Empty when none:
callers must then omit the rule, because a rule without `from` admits every source.
Takes (dict "root" $ "api" true).
*/}}
{{- define "ecommerce.publicPortPeers" -}}
{{- $peers := list }}
{{- if and .api .root.Values.ingress.enabled }}
{{- $peers = append $peers (include "ecommerce.ingressControllerPeer" .root) }}
{{- end }}
{{- $peers = append $peers (include "ecommerce.testPeer" .root) }}
{{- $peers = append $peers (include "ecommerce.metricsPeers" .root) }}
{{- range $peers }}
{{- with trim . }}
{{ . }}
{{- end }}
{{- end }}
{{- end }}

{{/*
A component's NetworkPolicy. Extra keys:
  publicPort   the public port; api (bool) whether the ingress controller may reach it
  internal     (dict "port" 4001 "callers" (list "product-service" "order-service")), optional
  egress       the rendered egress rules (YAML list), may be empty
*/}}
{{- define "ecommerce.serviceNetworkPolicy" -}}
{{- $root := .root }}
{{- $publicFrom := include "ecommerce.publicPortPeers" (dict "root" $root "api" .api) | trim }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "ecommerce.componentName" . }}
  labels:
    {{- include "ecommerce.componentLabels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "ecommerce.componentSelectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  {{- if or $publicFrom .internal }}
  ingress:
    {{- if $publicFrom }}
    - from:
        {{- $publicFrom | nindent 8 }}
      ports:
        - port: {{ .publicPort }}
          protocol: TCP
    {{- end }}
    {{- with .internal }}
    - from:
        {{- range .callers }}
        {{- include "ecommerce.componentPeer" (dict "root" $root "component" .) | nindent 8 }}
        {{- end }}
      ports:
        - port: {{ .port }}
          protocol: TCP
    {{- end }}
  {{- else }}
  ingress: []
  {{- end }}
  egress:
    {{- .egress | trim | nindent 4 }}
{{- end }}

{{/* Egress to another component's internal port. Takes (dict "root" $ "component" … "port" 4001). */}}
{{- define "ecommerce.internalEgress" -}}
- to:
    {{- include "ecommerce.componentPeer" . | nindent 4 }}
  ports:
    - port: {{ .port }}
      protocol: TCP
{{- end }}
