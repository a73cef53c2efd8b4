#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Undoes scripts/minikube-up.sh, as far as asked:
#   scripts/minikube-down.sh                   uninstall the release; the kept Secrets and the data
#                                              volumes stay, so minikube-up.sh brings the same data back
#   scripts/minikube-down.sh --purge           also delete those Secrets, the volumes and the namespace
#   scripts/minikube-down.sh --delete-cluster  delete the whole Minikube profile (everything above too)
# Idempotent: what is already gone is skipped. Settings as for minikube-up.sh (PROFILE, NAMESPACE, RELEASE).
set -euo pipefail

# shellcheck source=chart/minikube-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/chart/minikube-common.sh"

PURGE=""
DELETE_CLUSTER=""
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=1 ;;
    --delete-cluster) DELETE_CLUSTER=1 ;;
    -h | --help) sed -n '3,8p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

missing=()
for tool in minikube kubectl helm; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
[ "${#missing[@]}" -eq 0 ] || die "missing: ${missing[*]} (see scripts/minikube-up.sh for where to get them)"

if cluster_running; then
  step "uninstalling release $RELEASE from namespace $NAMESPACE"
  if "${HELM[@]}" -n "$NAMESPACE" status "$RELEASE" >/dev/null 2>&1; then
    "${HELM[@]}" -n "$NAMESPACE" uninstall "$RELEASE" --wait --timeout 5m
  else
    info "not installed"
  fi
  # helm test pods are hooks: uninstall leaves the last ones.
  "${KUBECTL[@]}" -n "$NAMESPACE" delete pod -l "app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=test" \
    --ignore-not-found >/dev/null 2>&1 || true

  if [ -n "$PURGE" ]; then
    step "purging the kept Secrets, the data volumes and the namespace"
    "${KUBECTL[@]}" -n "$NAMESPACE" delete secret,pvc -l "app.kubernetes.io/instance=$RELEASE" --ignore-not-found --wait
    "${KUBECTL[@]}" delete namespace "$NAMESPACE" --ignore-not-found --wait
  else
    kept="$("${KUBECTL[@]}" -n "$NAMESPACE" get secret,pvc -l "app.kubernetes.io/instance=$RELEASE" -o name 2>/dev/null | wc -l)"
    [ "$kept" -eq 0 ] || info "kept: $kept Secret(s) and volume(s) with the data and its passwords (--purge deletes them)"
  fi
elif [ -z "$DELETE_CLUSTER" ]; then
  step "Minikube profile $PROFILE is not running: nothing to uninstall"
fi

if [ -n "$DELETE_CLUSTER" ]; then
  step "deleting Minikube profile $PROFILE"
  if minikube profile list -o json 2>/dev/null | grep -q "\"Name\":\"$PROFILE\""; then
    minikube delete -p "$PROFILE"
  else
    info "no such profile"
  fi
fi

step "removing the collection copied into the chart"
rm -f "$CHART/files/ecommerce.postman_collection.json"
info "done"
info "if you added it, remove the line '<minikube ip> ecommerce.local' from /etc/hosts"
