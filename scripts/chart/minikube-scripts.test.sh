#!/usr/bin/env bash
# Control-flow test of scripts/minikube-up.sh and scripts/minikube-down.sh, which cannot run here
# (no Docker engine, no cluster). They run in a scratch copy of the repository's layout with
# recording stand-ins for minikube, kubectl, helm and docker that only log their arguments and keep
# a little state (cluster running, release installed). This shows the commands the scripts issue,
# in order, and their idempotence; it says nothing about a real Minikube, which only
# `scripts/minikube-up.sh` on a real machine shows.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
ok() { printf '  \033[32m✓\033[0m %s\n' "$*"; }
ko() { printf '  \033[31m✗\033[0m %s\n' "$*"; failures=$((failures + 1)); }

# The layout the scripts expect, without the rest of the repository.
repo="$scratch/repo"
mkdir -p "$repo/scripts/chart" "$repo/charts/ecommerce/files" "$repo/api-collection"
cp "$ROOT/scripts/minikube-up.sh" "$ROOT/scripts/minikube-down.sh" "$repo/scripts/"
cp "$ROOT/scripts/chart/minikube-common.sh" "$repo/scripts/chart/"
cp "$ROOT/charts/ecommerce/Chart.yaml" "$repo/charts/ecommerce/"
echo '{"info":{"name":"stand-in collection"},"item":[]}' >"$repo/api-collection/ecommerce.postman_collection.json"

# Recording stand-ins.
bin="$scratch/bin"
state="$scratch/state"
mkdir -p "$bin" "$state"
for tool in minikube kubectl helm docker; do
  cat >"$bin/$tool" <<EOF
#!/usr/bin/env bash
echo "$tool \$*" >>"$state/calls.log"
state="$state"
EOF
done
cat >>"$bin/minikube" <<'EOF'
[ "$1" = -p ] && shift 2 # minikube -p <profile> <command> …
case "$1" in
  status) [ -f "$state/running" ] && echo "Running Running" || { echo "Stopped Stopped"; exit 7; } ;;
  start) touch "$state/running" ;;
  delete) rm -f "$state/running" "$state/profile" ;;
  docker-env) [[ " $* " == *" --unset "* ]] && echo 'unset DOCKER_HOST' || echo 'export DOCKER_HOST=tcp://192.0.2.1:2376' ;;
  ip) echo 192.0.2.1 ;;
  image) [ "$2" = ls ] && cat "$state/images" 2>/dev/null ;;
  profile) [ -f "$state/profile" ] && echo '{"valid":[{"Name":"ecommerce"}]}' || echo '{"valid":[]}' ;;
esac
[ "$1" = start ] && touch "$state/profile"
exit 0
EOF
cat >>"$bin/docker" <<'EOF'
# docker build -f <Dockerfile> -t <image> .: the image is then in Minikube (as `minikube image ls` names it)
[ "$1" = build ] && echo "docker.io/$5" >>"$state/images"
exit 0
EOF
cat >>"$bin/kubectl" <<'EOF'
args=" $* "
if [[ "$args" == *" create namespace "* ]]; then printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n'; fi
if [[ "$args" == *" apply -f - "* ]]; then cat >/dev/null; fi
if [[ "$args" == *" get secret -l "* ]]; then echo ecommerce; fi
if [[ "$args" == *" get ingress "* ]]; then echo ecommerce.local; fi
exit 0
EOF
cat >>"$bin/helm" <<'EOF'
case " $* " in
  *" status "*) [ -f "$state/installed" ] || exit 1 ;;
  *" upgrade --install "*) touch "$state/installed" ;;
  *" uninstall "*) rm -f "$state/installed" ;;
esac
exit 0
EOF
chmod +x "$bin"/*

run() { # <script> <args…>: runs with the stand-ins first on PATH; output in $scratch/out
  : >"$state/calls.log"
  (cd "$repo" && PATH="$bin:$PATH" bash "$@") >"$scratch/out" 2>&1
}
calls() { cat "$state/calls.log"; }
check() { # <what> <command…>: ✓ when the command succeeds
  local what="$1"; shift
  if "$@"; then ok "$what"; else ko "$what"; fi
}
expect_call() { # <what> <extended regex over the call log>
  if calls | grep -Eq -- "$2"; then ok "$1"; else ko "$1 (no call matching /$2/)"; calls | sed 's/^/      /'; fi
}
expect_no_call() {
  if calls | grep -Eq -- "$2"; then ko "$1"; calls | grep -E -- "$2" | sed 's/^/      /'; else ok "$1"; fi
}

# 1. Missing prerequisites are each named, and nothing runs.
# A PATH with minikube and the few commands the script needs before its check, nothing else.
mkdir -p "$scratch/partial"
ln -s "$bin/minikube" "$scratch/partial/minikube"
ln -s "$(command -v dirname)" "$scratch/partial/dirname"
if (cd "$repo" && PATH="$scratch/partial" "$BASH" scripts/minikube-up.sh) >"$scratch/out" 2>&1; then
  ko "minikube-up.sh succeeded without kubectl, helm and docker"
else
  for tool in kubectl helm docker; do
    if grep -q "missing: $tool" "$scratch/out"; then ok "names the missing $tool"; else ko "does not name the missing $tool"; cat "$scratch/out"; fi
  done
  check "stops before touching anything, with a summary" grep -q "3 prerequisite(s) missing" "$scratch/out"
fi

# 2. First run: start, ingress, four builds inside Minikube's Docker, collection, install, summary.
if run scripts/minikube-up.sh; then ok "minikube-up.sh completes"; else ko "minikube-up.sh failed"; cat "$scratch/out"; fi
expect_call "starts Minikube with 4 CPUs, 7000 MB and Calico" '^minikube start -p ecommerce --cpus 4 --memory 7000 --cni calico$'
expect_call "enables the ingress addon" '^minikube -p ecommerce addons enable ingress$'
expect_call "waits for the ingress controller" '^kubectl --context ecommerce -n ingress-nginx rollout status deployment/ingress-nginx-controller'
expect_call "points docker at Minikube's daemon" '^minikube -p ecommerce docker-env --shell bash$'
for svc in user-service product-service order-service integration-service; do
  expect_call "builds $svc from the repository root" "^docker build -f $svc/Dockerfile -t ecommerce/$svc:1\.0\.0-local \.$"
done
expect_call "labels the namespace restricted" 'label namespace ecommerce pod-security.kubernetes.io/enforce=restricted'
expect_call "helm upgrade --install --wait --timeout 10m with the Minikube values and the built tag" \
  '^helm --kube-context ecommerce upgrade --install ecommerce charts/ecommerce --namespace ecommerce -f charts/ecommerce/values-minikube.yaml --set imageTag=1\.0\.0-local --wait --timeout 10m$'
check "copies the collection into the chart" [ -f "$repo/charts/ecommerce/files/ecommerce.postman_collection.json" ]
check "prints the hosts-file line" grep -q '192.0.2.1 ecommerce.local' "$scratch/out"
check "prints the URL" grep -q 'http://ecommerce.local/api/users' "$scratch/out"
check "prints how to replay the collection" grep -q 'newman run api-collection/ecommerce.postman_collection.json' "$scratch/out"
order="$(grep -nE '^(minikube start|minikube -p ecommerce addons|docker build|helm .*upgrade)' "$state/calls.log" | cut -d: -f1 | tr '\n' ' ')"
sorted="$(echo "$order" | tr ' ' '\n' | grep . | sort -n | tr '\n' ' ')"
check "in that order (start, ingress, builds, install)" [ "$order" = "$sorted" ]

# 3. Second run: the cluster is up, so no second start; the release is upgraded again.
if run scripts/minikube-up.sh; then ok "a second run completes"; else ko "the second run failed"; cat "$scratch/out"; fi
expect_no_call "does not start Minikube again" '^minikube start'
expect_call "upgrades the release again" 'upgrade --install ecommerce'

# 3b. SKIP_BUILD=1 reuses the images built above, and refuses a tag that was never built (rather than
# leaving helm --wait to time out on pods that cannot pull it).
if SKIP_BUILD=1 run scripts/minikube-up.sh; then ok "SKIP_BUILD=1 with the built tag completes"; else ko "SKIP_BUILD=1 with the built tag failed"; cat "$scratch/out"; fi
expect_no_call "SKIP_BUILD=1 builds nothing" '^docker build'
expect_call "SKIP_BUILD=1 lists Minikube's images" '^minikube -p ecommerce image ls$'
if SKIP_BUILD=1 IMAGE_TAG=never-built run scripts/minikube-up.sh; then
  ko "SKIP_BUILD=1 with a tag that was never built succeeded"
else
  check "SKIP_BUILD=1 with a tag never built names the missing images" \
    grep -q 'Minikube has no ecommerce/user-service:never-built ecommerce/product-service:never-built' "$scratch/out"
  expect_no_call "and installs nothing" 'upgrade --install'
fi

# 4. Down: uninstall; --purge also deletes the kept Secrets and volumes; --delete-cluster the profile.
if run scripts/minikube-down.sh; then ok "minikube-down.sh completes"; else ko "minikube-down.sh failed"; cat "$scratch/out"; fi
expect_call "uninstalls the release" '^helm --kube-context ecommerce -n ecommerce uninstall ecommerce'
expect_no_call "keeps the Secrets and volumes without --purge" 'delete secret,pvc'
check "removes the copied collection" [ ! -f "$repo/charts/ecommerce/files/ecommerce.postman_collection.json" ]
run scripts/minikube-down.sh
expect_no_call "a second down has nothing to uninstall" ' uninstall '
run scripts/minikube-down.sh --purge --delete-cluster
expect_call "--purge deletes the kept Secrets and volumes" 'delete secret,pvc -l app.kubernetes.io/instance=ecommerce'
expect_call "--delete-cluster deletes the profile" '^minikube delete -p ecommerce$'
run scripts/minikube-down.sh --delete-cluster
expect_no_call "deleting a deleted profile is skipped" '^minikube delete'
run scripts/minikube-down.sh --help
check "--help prints the usage from its first line" [ "$(head -1 "$scratch/out")" = "# Undoes scripts/minikube-up.sh, as far as asked:" ]
check "--help prints the usage to its last line" [ "$(tail -1 "$scratch/out" | cut -c1-13)" = "# Idempotent:" ]
if run scripts/minikube-down.sh --bogus; then ko "an unknown argument is accepted"; else ok "an unknown argument is refused"; fi

[ "$failures" -eq 0 ] || { echo "  $failures failure(s)"; exit 1; }
