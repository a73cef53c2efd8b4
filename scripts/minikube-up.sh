#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# One command from nothing to the shop running on a local Minikube cluster:
#   1. checks the prerequisites (minikube, kubectl, helm, docker) and names every missing one
#   2. starts Minikube (4 CPUs, 7000 MB, Calico so NetworkPolicies are enforced), unless running
#   3. enables the ingress addon (ingress-nginx) and waits for its controller
#   4. builds the four service images inside Minikube's Docker (no registry, no push)
#   5. copies the API collection into the chart (for the `helm test` smoke replay)
#   6. helm upgrade --install --wait, in a namespace enforcing the restricted Pod Security Standard
#   7. prints the URL, the hosts-file line and how to replay the collection
# Idempotent: run it again after a change to rebuild the images and upgrade the release.
#
# Settings (environment): PROFILE=ecommerce (minikube profile), NAMESPACE=ecommerce, RELEASE=ecommerce,
# CPUS=4, MEMORY=7000, DRIVER (minikube --driver, default: minikube's choice), IMAGE_TAG (default:
# <appVersion>-<git commit>[-dirty-<hash of the changes>]), EXTRA_VALUES (one more values file),
# SKIP_BUILD=1 (reuse the images already built), HELM_TIMEOUT=10m.
set -euo pipefail
# shellcheck disable=SC2034 # read by chart/minikube-common.sh
STEPS=7
# shellcheck source=chart/minikube-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/chart/minikube-common.sh"

CPUS="${CPUS:-4}"
MEMORY="${MEMORY:-7000}"
HELM_TIMEOUT="${HELM_TIMEOUT:-10m}"
SERVICES=(user-service product-service order-service integration-service)
# Everything the images are built from (the Dockerfiles' COPY sources and what filters them):
# a change to any of these gets a new image tag.
BUILD_INPUTS=(service-kit "${SERVICES[@]}" package.json package-lock.json tsconfig.base.json .dockerignore)

step "checking prerequisites"
# (No associative arrays: macOS ships bash 3.2.)
hint() {
  case "$1" in
    minikube) echo "https://minikube.sigs.k8s.io/docs/start/" ;;
    kubectl) echo "https://kubernetes.io/docs/tasks/tools/" ;;
    helm) echo "https://helm.sh/docs/intro/install/ (v3.8 or later)" ;;
    docker) echo "the Docker CLI, to build inside Minikube's Docker: https://docs.docker.com/engine/install/" ;;
  esac
}
missing=0
for tool in minikube kubectl helm docker; do
  if command -v "$tool" >/dev/null 2>&1; then
    info "$tool: $(command -v "$tool")"
  else
    printf '\033[1;31m    missing: %s\033[0m - %s\n' "$tool" "$(hint "$tool")" >&2
    missing=$((missing + 1))
  fi
done
[ "$missing" -eq 0 ] || die "$missing prerequisite(s) missing; install them and run this again"

step "starting Minikube (profile $PROFILE: $CPUS CPUs, $MEMORY MB, CNI calico)"
if cluster_running; then
  info "already running"
else
  minikube start -p "$PROFILE" --cpus "$CPUS" --memory "$MEMORY" --cni calico ${DRIVER:+--driver "$DRIVER"}
fi
# A profile created earlier with another CNI would leave the NetworkPolicies unenforced.
if ! "${KUBECTL[@]}" -n kube-system get daemonset calico-node >/dev/null 2>&1; then
  warn "no calico-node in kube-system: this cluster may not enforce NetworkPolicies"
  info "(recreate it with: scripts/minikube-down.sh --delete-cluster && scripts/minikube-up.sh)"
fi

step "enabling the ingress addon"
minikube -p "$PROFILE" addons enable ingress
info "waiting for the ingress controller"
"${KUBECTL[@]}" -n ingress-nginx rollout status deployment/ingress-nginx-controller --timeout=5m

APP_VERSION="$(awk -F'"' '/^appVersion:/ {print $2}' "$CHART/Chart.yaml")"
sha256() { if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi; }
image_tag() {
  local commit changes
  commit="$(git rev-parse --short HEAD 2>/dev/null || echo local)"
  # Uncommitted changes in the build context get their own tag, so the pods pick them up.
  changes="$({ git diff HEAD -- "${BUILD_INPUTS[@]}" 2>/dev/null
    git ls-files -o --exclude-standard -- "${BUILD_INPUTS[@]}" 2>/dev/null |
      while IFS= read -r f; do cat "$f"; done; } | sha256 | cut -c1-8)"
  if [ -z "$(git status --porcelain -- "${BUILD_INPUTS[@]}" 2>/dev/null)" ]; then
    echo "$APP_VERSION-$commit"
  else
    echo "$APP_VERSION-$commit-dirty-$changes"
  fi
}
TAG="${IMAGE_TAG:-$(image_tag)}"

step "building the images inside Minikube's Docker (tag $TAG)"
if [ "${SKIP_BUILD:-}" = 1 ]; then
  info "SKIP_BUILD=1: using the images already built"
  # An image that was never built would leave the pods in ImagePullBackOff and helm --wait
  # hanging until its timeout: check first.
  images="$(minikube -p "$PROFILE" image ls)"
  absent=()
  for svc in "${SERVICES[@]}"; do
    grep -qxF -e "ecommerce/$svc:$TAG" -e "docker.io/ecommerce/$svc:$TAG" <<<"$images" || absent+=("ecommerce/$svc:$TAG")
  done
  [ "${#absent[@]}" -eq 0 ] ||
    die "SKIP_BUILD=1, but Minikube has no ${absent[*]}: run without SKIP_BUILD, or set IMAGE_TAG to a tag that was built"
else
  # Point the docker CLI at the Docker daemon inside the Minikube node: images built there are
  # what the cluster runs (pullPolicy IfNotPresent), with no registry in between.
  eval "$(minikube -p "$PROFILE" docker-env --shell bash)"
  for svc in "${SERVICES[@]}"; do
    info "docker build -f $svc/Dockerfile -t ecommerce/$svc:$TAG ."
    docker build -f "$svc/Dockerfile" -t "ecommerce/$svc:$TAG" .
  done
  eval "$(minikube -p "$PROFILE" docker-env --shell bash --unset)"
fi

step "copying the API collection into the chart"
# Helm can read only files inside the chart; charts/ecommerce/files/ is where the smoke test looks.
if [ -f api-collection/ecommerce.postman_collection.json ]; then
  cp api-collection/ecommerce.postman_collection.json "$CHART/files/ecommerce.postman_collection.json"
  info "$CHART/files/ecommerce.postman_collection.json (helm test replays its Smoke folder)"
else
  info "api-collection/ecommerce.postman_collection.json not found: helm test will check health only"
fi

step "installing the chart (release $RELEASE in namespace $NAMESPACE, --wait up to $HELM_TIMEOUT)"
"${KUBECTL[@]}" create namespace "$NAMESPACE" --dry-run=client -o yaml | "${KUBECTL[@]}" apply -f - >/dev/null
"${KUBECTL[@]}" label namespace "$NAMESPACE" pod-security.kubernetes.io/enforce=restricted \
  pod-security.kubernetes.io/warn=restricted --overwrite >/dev/null
info "namespace $NAMESPACE enforces the restricted Pod Security Standard"
"${HELM[@]}" upgrade --install "$RELEASE" "$CHART" --namespace "$NAMESPACE" \
  -f "$CHART/values-minikube.yaml" ${EXTRA_VALUES:+-f "$EXTRA_VALUES"} \
  --set imageTag="$TAG" --wait --timeout "$HELM_TIMEOUT"
"${KUBECTL[@]}" -n "$NAMESPACE" get pods -l app.kubernetes.io/instance="$RELEASE"

step "done"
# The release's own Secret is the one without a component label (the others belong to the databases).
SECRET="$("${KUBECTL[@]}" -n "$NAMESPACE" get secret -l "app.kubernetes.io/instance=$RELEASE,!app.kubernetes.io/component" \
  -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
SECRET="${SECRET:-<the Secret named in secrets.existingSecret>}"
HOST="$("${KUBECTL[@]}" -n "$NAMESPACE" get ingress -l "app.kubernetes.io/instance=$RELEASE" \
  -o jsonpath='{.items[0].spec.rules[0].host}' 2>/dev/null || true)"
HOST="${HOST:-ecommerce.local}"
IP="$(minikube -p "$PROFILE" ip)"
cat <<MSG
    The API:        http://$HOST/api/users  /api/products  /api/orders
    Hosts file:     add this line to /etc/hosts (needs sudo):
                      $IP $HOST
                    (with the docker driver on macOS or Windows, run \`minikube -p $PROFILE tunnel\`
                     and use 127.0.0.1 instead of $IP)
    Try it:         curl http://$HOST/api/products
    Admin account:  kubectl --context $PROFILE -n $NAMESPACE get secret $SECRET -o jsonpath='{.data.admin-email}' | base64 -d
                    kubectl --context $PROFILE -n $NAMESPACE get secret $SECRET -o jsonpath='{.data.admin-password}' | base64 -d
    Collection:     npx newman run api-collection/ecommerce.postman_collection.json \\
                      -e api-collection/environments/minikube.postman_environment.json \\
                      --env-var adminEmail=<admin e-mail> --env-var adminPassword=<admin password>
    In-cluster:     helm --kube-context $PROFILE -n $NAMESPACE test $RELEASE --logs
    Tear down:      scripts/minikube-down.sh [--purge] [--delete-cluster]
MSG
