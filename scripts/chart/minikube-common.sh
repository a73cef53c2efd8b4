# shellcheck shell=bash disable=SC2034
# Shared by scripts/minikube-up.sh and scripts/minikube-down.sh (sourced, not run): the settings
# both honour, progress output, and the kubectl/helm commands bound to the Minikube profile's context
# (so they never act on another cluster of the kubeconfig).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_ROOT" || exit 1

PROFILE="${PROFILE:-ecommerce}"
NAMESPACE="${NAMESPACE:-ecommerce}"
RELEASE="${RELEASE:-ecommerce}"
CHART="charts/ecommerce"
KUBECTL=(kubectl --context "$PROFILE")
HELM=(helm --kube-context "$PROFILE")

STEPS="${STEPS:-0}"
step_no=0
step() {
  step_no=$((step_no + 1))
  if [ "$STEPS" -gt 0 ]; then
    printf '\n\033[1;34m==> [%d/%d]\033[0m %s\n' "$step_no" "$STEPS" "$*"
  else
    printf '\n\033[1;34m==>\033[0m %s\n' "$*"
  fi
}
info() { printf '    %s\n' "$*"; }
warn() { printf '\033[1;33m    warning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }

# True when the profile's node and API server are both running.
cluster_running() {
  minikube status -p "$PROFILE" --format '{{.Host}} {{.APIServer}}' 2>/dev/null | grep -q '^Running Running$'
}
