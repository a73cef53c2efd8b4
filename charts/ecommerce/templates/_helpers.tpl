{{/* vim: set filetype=mustache: */}}
{{/*
Names and labels, following `helm create`.
*/}}

{{/* The chart name, overridable with nameOverride. */}}
{{- define "ecommerce.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release-qualified name. Truncated at 63 characters because some Kubernetes name fields are
limited to that (DNS labels). If the release name contains the chart name it is used as is.
*/}}
{{- define "ecommerce.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "ecommerce.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object carries. */}}
{{- define "ecommerce.labels" -}}
helm.sh/chart: {{ include "ecommerce.chart" . }}
app.kubernetes.io/name: {{ include "ecommerce.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/part-of: ecommerce
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The labels that select every pod of this release (used by the default-deny policy). */}}
{{- define "ecommerce.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ecommerce.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Per-component helpers. Each takes (dict "root" $ "component" "user-service").
*/}}

{{/* <fullname>-<component>, the name of the component's objects. */}}
{{- define "ecommerce.componentName" -}}
{{- printf "%s-%s" (include "ecommerce.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of a component's objects. */}}
{{- define "ecommerce.componentLabels" -}}
{{ include "ecommerce.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Selector labels of a component's pods: name, instance and component only (immutable). */}}
{{- define "ecommerce.componentSelectorLabels" -}}
{{ include "ecommerce.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The ServiceAccount every pod of the release runs as. */}}
{{- define "ecommerce.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ecommerce.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The image reference of one of the four services: its own tag, else `imageTag`, else the chart's
appVersion. Takes (dict "root" $ "image" .Values.userService.image).
*/}}
{{- define "ecommerce.serviceImage" -}}
{{- $tag := .image.tag | default .root.Values.imageTag | default .root.Chart.AppVersion }}
{{- printf "%s:%s" .image.repository (toString $tag) }}
{{- end }}

{{/* The image reference of a dependency or test image, whose tag is always pinned in values. */}}
{{- define "ecommerce.image" -}}
{{- printf "%s:%s" .repository (toString .tag) }}
{{- end }}

{{/* A service's log level: its own, else the global one. Takes the service's values block + root. */}}
{{- define "ecommerce.logLevel" -}}
{{- .values.logLevel | default .root.Values.logLevel }}
{{- end }}

{{/*
Internal base URLs of the services (their /internal/* port), as the callers' configuration names them.
*/}}
{{- define "ecommerce.userServiceInternalUrl" -}}
http://{{ include "ecommerce.componentName" (dict "root" . "component" "user-service") }}:4001
{{- end }}
{{- define "ecommerce.productServiceInternalUrl" -}}
http://{{ include "ecommerce.componentName" (dict "root" . "component" "product-service") }}:4002
{{- end }}
{{- define "ecommerce.orderServiceInternalUrl" -}}
http://{{ include "ecommerce.componentName" (dict "root" . "component" "order-service") }}:4003
{{- end }}

{{/*
Restricted Pod Security Standard. Pod level: non-root numeric user, RuntimeDefault seccomp.
Takes (dict "runAsUser" 10001 "runAsGroup" 10001 "fsGroup" 10001): a values securityContext block.
*/}}
{{- define "ecommerce.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .runAsUser }}
runAsGroup: {{ .runAsGroup }}
fsGroup: {{ .fsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
checksum/config: sha256 of a ConfigMap's data as this release renders it, so a config change rolls
the pods that read it. Takes (dict "root" $ "path" "<component>/configmap.yaml").
*/}}
{{- define "ecommerce.configChecksum" -}}
{{- (include (print .root.Template.BasePath "/" .path) .root | fromYaml).data | toJson | sha256sum }}
{{- end }}

{{/*
Annotations of a workload that runs a third-party image as that image's own user (its
<component>.securityContext value, e.g. PostgreSQL's 70): the image's files and entrypoint belong
to that user, so it keeps a UID below the 10000 that kube-score asks for.
*/}}
{{- define "ecommerce.imageUserAnnotations" -}}
kube-score/ignore: container-security-context-user-group-id
{{- end }}

{{/* Container level; also set on init and test containers. Takes (dict "runAsUser" … "runAsGroup" …). */}}
{{- define "ecommerce.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .runAsUser }}
runAsGroup: {{ .runAsGroup }}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
A soft anti-affinity spreading a component's replicas over nodes, used when no affinity is given.
Takes (dict "root" $ "component" "user-service" "affinity" .Values.userService.affinity).
*/}}
{{- define "ecommerce.affinity" -}}
{{- if .affinity -}}
{{- toYaml .affinity }}
{{- else -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "ecommerce.componentSelectorLabels" . | nindent 12 }}
{{- end }}
{{- end }}

{{/* Scheduling fields shared by every workload. Takes (dict "root" $ "component" … "values" …). */}}
{{- define "ecommerce.scheduling" -}}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
affinity:
  {{- include "ecommerce.affinity" (dict "root" .root "component" .component "affinity" .values.affinity) | nindent 2 }}
{{- end }}

{{/* imagePullSecrets, when any are configured. */}}
{{- define "ecommerce.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets -}}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* A writable /tmp for containers with a read-only root filesystem. */}}
{{- define "ecommerce.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end }}
