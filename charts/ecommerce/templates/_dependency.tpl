{{/*
Shared shapes of the in-cluster PostgreSQL, MongoDB and RabbitMQ objects.
Every helper takes (dict "root" $ "component" "postgresql" "values" .Values.postgresql ...).
*/}}

{{/* The client Service (ClusterIP) and the headless Service the StatefulSet is governed by. Extra keys: portName, port. */}}
{{- define "ecommerce.dependencyService" -}}
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
    - name: {{ .portName }}
      port: {{ .port }}
      targetPort: {{ .portName }}
      protocol: TCP
{{- end }}

{{- define "ecommerce.dependencyHeadlessService" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "ecommerce.componentName" . }}-hl
  labels:
    {{- include "ecommerce.componentLabels" . | nindent 4 }}
spec:
  type: ClusterIP
  clusterIP: None
  # Stable per-pod DNS names even before readiness (the StatefulSet's identity).
  publishNotReadyAddresses: true
  selector:
    {{- include "ecommerce.componentSelectorLabels" . | nindent 4 }}
  ports:
    - name: {{ .portName }}
      port: {{ .port }}
      targetPort: {{ .portName }}
      protocol: TCP
{{- end }}

{{/* Pod-level fields of a dependency's StatefulSet pod, from values.securityContext (the image's user). */}}
{{- define "ecommerce.dependencyPodSpec" -}}
serviceAccountName: {{ include "ecommerce.serviceAccountName" .root }}
automountServiceAccountToken: false
enableServiceLinks: false
{{- with include "ecommerce.imagePullSecrets" .root }}
{{ . }}
{{- end }}
securityContext:
  {{- include "ecommerce.podSecurityContext" .values.securityContext | nindent 2 }}
terminationGracePeriodSeconds: {{ .values.terminationGracePeriodSeconds }}
{{- include "ecommerce.scheduling" . }}
{{- end }}

{{/* The container security context of a dependency, from values.securityContext. */}}
{{- define "ecommerce.dependencyContainerSecurityContext" -}}
{{- include "ecommerce.containerSecurityContext" .values.securityContext }}
{{- end }}

{{/* The StatefulSet's volumeClaimTemplates: one "data" volume. */}}
{{- define "ecommerce.dependencyVolumeClaimTemplates" -}}
{{- $p := .values.persistence }}
volumeClaimTemplates:
  - apiVersion: v1
    kind: PersistentVolumeClaim
    metadata:
      name: data
      labels:
        {{- include "ecommerce.componentSelectorLabels" . | nindent 8 }}
    spec:
      accessModes:
        {{- toYaml $p.accessModes | nindent 8 }}
      {{- if $p.storageClass }}
      {{- if eq "-" $p.storageClass }}
      storageClassName: ""
      {{- else }}
      storageClassName: {{ $p.storageClass | quote }}
      {{- end }}
      {{- end }}
      resources:
        requests:
          storage: {{ $p.size | quote }}
{{- end }}

{{/* The NetworkPolicy of a dependency: its port, from its clients only; no egress beyond DNS. Extra keys: port, clients. */}}
{{- define "ecommerce.dependencyNetworkPolicy" -}}
{{- $root := .root }}
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
  ingress:
    - from:
        {{- range .clients }}
        {{- include "ecommerce.componentPeer" (dict "root" $root "component" .) | nindent 8 }}
        {{- end }}
      ports:
        - port: {{ .port }}
          protocol: TCP
  egress: []
{{- end }}

{{- /*
A Kubernetes memory quantity ("512Mi", "1Gi", "500M", "1073741824") in bytes, for software that
wants bytes. The schema only lets such quantities into resources.limits.memory.
*/}}
{{- define "ecommerce.bytes" -}}
{{- $q := toString . -}}
{{- $units := list (list "Ki" 1024.0) (list "Mi" 1048576.0) (list "Gi" 1073741824.0) (list "Ti" 1099511627776.0) (list "k" 1000.0) (list "M" 1000000.0) (list "G" 1000000000.0) (list "T" 1000000000000.0) -}}
{{- $bytes := "" -}}
{{- range $units -}}
{{- if and (eq $bytes "") (hasSuffix (index . 0) $q) -}}
{{- $bytes = mulf (trimSuffix (index . 0) $q | float64) (index . 1) | int64 | toString -}}
{{- end -}}
{{- end -}}
{{- if eq $bytes "" -}}{{- $bytes = $q | float64 | int64 | toString -}}{{- end -}}
{{- if le ($bytes | int64) 0 -}}{{- fail (printf "%q is not a memory size this chart can pass on in bytes (use Mi or Gi)" $q) -}}{{- end -}}
{{- $bytes -}}
{{- end }}
