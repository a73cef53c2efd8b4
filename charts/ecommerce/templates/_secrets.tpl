{{/*
Secrets: where each credential comes from, and which Secret and key a container reads it from.
*/}}

{{/*
A generated credential: the override when one is given, else the value the release's Secret
already holds (so an upgrade keeps passwords that databases were initialised with), else a new
random one. Memoized for the whole render, so the Secret and the pods' checksum/secret annotation
see the same value. `lookup` answers nothing in `helm template` and `--dry-run`: values are then new.
Takes (dict "root" $ "secret" "<Secret name>" "key" "<data key>" "length" 32 "value" "<override>").
*/}}
{{- define "ecommerce.secretValue" -}}
{{- if not (hasKey .root "ecommerceSecretCache") }}
{{- $_ := set .root "ecommerceSecretCache" (dict) }}
{{- end }}
{{- $cache := index .root "ecommerceSecretCache" }}
{{- $id := printf "%s/%s" .secret .key }}
{{- if not (hasKey $cache $id) }}
{{- $value := .value | default "" }}
{{- if not $value }}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret }}
{{- if and $existing (hasKey $existing "data") (hasKey ($existing.data | default dict) .key) }}
{{- $value = index $existing.data .key | b64dec }}
{{- else }}
{{- $value = randAlphaNum (int .length) }}
{{- end }}
{{- end }}
{{- $_ := set $cache $id $value }}
{{- end }}
{{- index $cache $id }}
{{- end }}

{{/* The Secret holding the JWT key, internal token and admin account. */}}
{{- define "ecommerce.appSecretName" -}}
{{- .Values.secrets.existingSecret | default (include "ecommerce.fullname" .) }}
{{- end }}

{{/* Annotations of generated Secrets: kept on uninstall, so a reinstall finds the data's passwords. */}}
{{- define "ecommerce.secretAnnotations" -}}
{{- if .Values.secrets.keep -}}
annotations:
  helm.sh/resource-policy: keep
{{- end }}
{{- end }}

{{/*
When an existingSecret is set (secrets.*, or an external dependency's) and the cluster can be read,
every key the chart reads from it must be there.
Takes (dict "root" $ "name" "<Secret>" "value" "<the values key naming it>" "keys" (list "<key>" ...)).
*/}}
{{- define "ecommerce.checkExistingSecret" -}}
{{- $secret := lookup "v1" "Secret" .root.Release.Namespace .name }}
{{- if $secret }}
{{- range .keys }}
{{- if not (hasKey ($secret.data | default dict) .) }}
{{- fail (printf "Secret %q (%s) has no key %q; it needs: %s" $.name $.value . (join ", " $.keys)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
PostgreSQL: in-cluster (credentials generated into <fullname>-postgresql) or external (URLs from
values, copied into <fullname>-postgresql, or from an existing Secret).
*/}}
{{- define "ecommerce.postgresql.external" -}}
{{- $ext := .Values.postgresql.external }}
{{- if and (not .Values.postgresql.enabled) (not $ext.existingSecret) }}
{{- $hint := "set postgresql.external.usersUrl and postgresql.external.ordersUrl (postgres:// URLs of the users and orders databases), or postgresql.external.existingSecret naming a Secret that holds them" }}
{{- $users := required (printf "postgresql.enabled is false: %s" $hint) $ext.usersUrl }}
{{- $orders := required (printf "postgresql.enabled is false: %s" $hint) $ext.ordersUrl }}
{{- range list $users $orders }}
{{- if not (regexMatch "^postgres(ql)?://" .) }}
{{- fail (printf "postgresql.external URLs must start with postgres:// or postgresql://, got %q" .) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ecommerce.postgresql.secretName" -}}
{{- include "ecommerce.postgresql.external" . }}
{{- if and (not .Values.postgresql.enabled) .Values.postgresql.external.existingSecret }}
{{- .Values.postgresql.external.existingSecret }}
{{- else }}
{{- include "ecommerce.componentName" (dict "root" . "component" "postgresql") }}
{{- end }}
{{- end }}

{{- define "ecommerce.postgresql.usersUrlKey" -}}
{{- if and (not .Values.postgresql.enabled) .Values.postgresql.external.existingSecret }}
{{- .Values.postgresql.external.existingSecretUsersUrlKey }}
{{- else }}users-database-url{{ end }}
{{- end }}

{{- define "ecommerce.postgresql.ordersUrlKey" -}}
{{- if and (not .Values.postgresql.enabled) .Values.postgresql.external.existingSecret }}
{{- .Values.postgresql.external.existingSecretOrdersUrlKey }}
{{- else }}orders-database-url{{ end }}
{{- end }}

{{/* MongoDB: the same pattern, one URL (database `products`). */}}
{{- define "ecommerce.mongodb.external" -}}
{{- $ext := .Values.mongodb.external }}
{{- if and (not .Values.mongodb.enabled) (not $ext.existingSecret) }}
{{- $url := required "mongodb.enabled is false: set mongodb.external.url (a mongodb:// URL whose path names the products database), or mongodb.external.existingSecret naming a Secret that holds it" $ext.url }}
{{- if not (regexMatch "^mongodb(\\+srv)?://" $url) }}
{{- fail (printf "mongodb.external.url must start with mongodb:// or mongodb+srv://, got %q" $url) }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ecommerce.mongodb.secretName" -}}
{{- include "ecommerce.mongodb.external" . }}
{{- if and (not .Values.mongodb.enabled) .Values.mongodb.external.existingSecret }}
{{- .Values.mongodb.external.existingSecret }}
{{- else }}
{{- include "ecommerce.componentName" (dict "root" . "component" "mongodb") }}
{{- end }}
{{- end }}

{{- define "ecommerce.mongodb.urlKey" -}}
{{- if and (not .Values.mongodb.enabled) .Values.mongodb.external.existingSecret }}
{{- .Values.mongodb.external.existingSecretKey }}
{{- else }}mongodb-url{{ end }}
{{- end }}

{{/* RabbitMQ: the same pattern, one URL. */}}
{{- define "ecommerce.rabbitmq.external" -}}
{{- $ext := .Values.rabbitmq.external }}
{{- if and (not .Values.rabbitmq.enabled) (not $ext.existingSecret) }}
{{- $url := required "rabbitmq.enabled is false: set rabbitmq.external.url (an amqp:// or amqps:// URL), or rabbitmq.external.existingSecret naming a Secret that holds it" $ext.url }}
{{- if not (regexMatch "^amqps?://" $url) }}
{{- fail (printf "rabbitmq.external.url must start with amqp:// or amqps://, got %q" $url) }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ecommerce.rabbitmq.secretName" -}}
{{- include "ecommerce.rabbitmq.external" . }}
{{- if and (not .Values.rabbitmq.enabled) .Values.rabbitmq.external.existingSecret }}
{{- .Values.rabbitmq.external.existingSecret }}
{{- else }}
{{- include "ecommerce.componentName" (dict "root" . "component" "rabbitmq") }}
{{- end }}
{{- end }}

{{/*
The key of a service's broker URL: in-cluster each service has a user of its own (<service>-url),
an external broker gives both services its one URL. Takes (dict "root" $ "service" "order-service").
*/}}
{{- define "ecommerce.rabbitmq.urlKey" -}}
{{- $mq := .root.Values.rabbitmq }}
{{- if $mq.enabled }}{{ .service }}-url
{{- else if $mq.external.existingSecret }}{{ $mq.external.existingSecretKey }}
{{- else }}rabbitmq-url{{ end }}
{{- end }}

{{/*
The in-cluster broker's users and permissions (RabbitMQ definitions, imported at every boot; see
rabbitmq/configmap.yaml): `ecommerce`, the administrator, for operators, and one user per service
allowed what its code does, on the names the code uses. order-service's outbox relay declares and
publishes to the topic exchange ecommerce.orders, and reads nothing; integration-service declares
that exchange too, declares, binds and consumes its queues integration-service.*, and re-publishes
retries and dead letters (and its DLQ tool, replays) to them through the default exchange. RabbitMQ
checks a publish to the default exchange against amq.default, not the queue it names, so that
user could publish to any queue of the vhost; the only queues there are its own.
scripts/chart/broker-permissions.test.js runs both services' messaging code against a live broker
with exactly these permissions. Takes (dict "passwords" (dict "ecommerce" … "order-service" … "integration-service" …)).
*/}}
{{- define "ecommerce.rabbitmq.definitions" -}}
{{- $exchange := "ecommerce\\.orders" }}
{{- $queues := "integration-service\\..+" }}
{{- $users := list }}
{{- range $user, $password := .passwords }}
{{- $users = append $users (dict "name" $user "password" $password "tags" (ternary (list "administrator") (list) (eq $user "ecommerce"))) }}
{{- end }}
{{- $permissions := list
  (dict "user" "ecommerce" "vhost" "/" "configure" ".*" "write" ".*" "read" ".*")
  (dict "user" "order-service" "vhost" "/" "configure" (printf "^%s$" $exchange) "write" (printf "^%s$" $exchange) "read" "^$")
  (dict "user" "integration-service" "vhost" "/"
    "configure" (printf "^(%s|%s)$" $exchange $queues)
    "write" (printf "^(%s|amq\\.default)$" $queues)
    "read" (printf "^(%s|%s)$" $exchange $queues)) }}
{{- toJson (dict "users" $users "vhosts" (list (dict "name" "/")) "permissions" $permissions) }}
{{- end }}

{{/*
The checksum/secret annotation of a component: sha256 of the JSON of {"<Secret>/<key>": data} over
the keys its secretEnv reads, from the Secrets the chart renders (a key of an existing Secret is not
seen: roll the pods by hand). A change to another key, or another component's, rolls nothing here.
Takes (dict "root" $ "secretEnv" <the Deployment's secretEnv>).
*/}}
{{- define "ecommerce.secretsChecksum" -}}
{{- $rendered := dict }}
{{- range list "secret.yaml" "postgresql/secret.yaml" "mongodb/secret.yaml" "rabbitmq/secret.yaml" }}
{{- $doc := include (print $.root.Template.BasePath "/" .) $.root | fromYaml }}
{{- if and $doc $doc.metadata }}
{{- $_ := set $rendered $doc.metadata.name ($doc.data | default dict) }}
{{- end }}
{{- end }}
{{- $read := dict }}
{{- range .secretEnv }}
{{- $data := index $rendered .secret | default dict }}
{{- if hasKey $data .key }}
{{- $_ := set $read (printf "%s/%s" .secret .key) (index $data .key) }}
{{- end }}
{{- end }}
{{- toJson $read | sha256sum }}
{{- end }}
