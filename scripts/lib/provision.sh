#!/usr/bin/env bash
# Provisions what the tests and the local stack need, idempotently: PostgreSQL, RabbitMQ, a
# MongoDB-compatible server (FerretDB unless MONGODB_URL names one), helm, helm-unittest and kube-score.
# Sourced by scripts/test-all.sh and scripts/local-up.sh; each ensure_* is quick when all is in place.

# Pinned tool versions (Go modules with no `replace` directive, so `go install` can build them).
HELM_VERSION="${HELM_VERSION:-v3.16.4}"
HELM_UNITTEST_VERSION="${HELM_UNITTEST_VERSION:-v1.0.1}"
KUBE_SCORE_VERSION="${KUBE_SCORE_VERSION:-v1.20.0}"
FERRETDB_VERSION="v1.24.2" # pinned in scripts/ferretdb/go.mod

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${ECOMMERCE_STATE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ecommerce-platform}"
GOBIN_DIR="$(go env GOPATH 2>/dev/null)/bin"
export PATH="$GOBIN_DIR:$PATH"
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}"
export RABBITMQ_URL="${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_port() { # host port seconds what
  local i
  for ((i = 0; i < $3 * 5; i++)); do port_open "$1" "$2" && return 0; sleep 0.2; done
  die "$4 did not open $1:$2 within $3 s"
}

APT_UPDATED=""
apt_install() {
  command -v apt-get >/dev/null || die "cannot install $*: no apt-get on this machine"
  [ -n "$APT_UPDATED" ] || { log "apt-get update"; DEBIAN_FRONTEND=noninteractive apt-get update -qq; APT_UPDATED=1; }
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if ! port_open 127.0.0.1 5432; then
    if ! command -v pg_ctlcluster >/dev/null; then
      apt_install postgresql
    fi
    local version
    version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf "%f\n" | sort -V | tail -1)"
    log "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    wait_port 127.0.0.1 5432 30 PostgreSQL
  fi
  # A fresh Debian install asks for a password over TCP; give the superuser the one the tests use.
  # (Where trust auth is configured, as on the CI machine, the password is simply ignored.)
  if ! psql "$TEST_POSTGRES_URL" -tAc 'SELECT 1' >/dev/null 2>&1; then
    log "setting the postgres user's password for TCP connections"
    su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
    psql "$TEST_POSTGRES_URL" -tAc 'SELECT 1' >/dev/null || die "cannot connect to $TEST_POSTGRES_URL"
  fi
}

ensure_rabbitmq() {
  if ! port_open 127.0.0.1 5672; then
    command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
    log "starting RabbitMQ"
    rabbitmq-server -detached >/dev/null 2>&1 || true
    wait_port 127.0.0.1 5672 90 RabbitMQ
  fi
  # The AMQP port opens a moment before the broker accepts logins.
  local i
  for ((i = 0; i < 60; i++)); do rabbitmqctl -q await_startup >/dev/null 2>&1 && return 0; sleep 1; done
  die "RabbitMQ did not finish starting"
}

go_env_for_installs() {
  command -v go >/dev/null || die "Go is needed to build helm, helm-unittest, kube-score and FerretDB"
  export GOFLAGS="-buildvcs=false"
  # Without a reachable checksum database, the module proxy still serves the pinned modules.
  if ! curl -sf -m 5 -o /dev/null "https://$(go env GOSUMDB | cut -d' ' -f1)/latest" 2>/dev/null; then
    export GOSUMDB=off
  fi
}

ensure_ferretdb() {
  local bin="$GOBIN_DIR/ferretdb-local" stamp="$STATE_DIR/ferretdb-local.stamp" config_file="$STATE_DIR/ferretdb.config"
  local want
  # The sources' contents, not their paths: every checkout on the machine shares one build and one server.
  want="$FERRETDB_VERSION $(cat "$REPO_ROOT/scripts/ferretdb/main.go" "$REPO_ROOT/scripts/ferretdb/go.sum" | sha256sum | cut -c1-16)"
  if [ ! -x "$bin" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    go_env_for_installs
    log "building FerretDB $FERRETDB_VERSION (first run only)"
    mkdir -p "$STATE_DIR"
    (cd "$REPO_ROOT/scripts/ferretdb" && go build -o "$bin" .) || die "FerretDB build failed"
    echo "$want" >"$stamp"
  fi
  # PostgreSQL backend: SQLite's single writer capped writes near 800/s with 0.6 s tails under 32
  # concurrent writers; on PostgreSQL the same load runs at about 2,000/s with 55 ms tails.
  local pg_url="${TEST_POSTGRES_URL%/*}/ferretdb"
  local config="$want -handler postgresql -postgresql-url $pg_url"
  local pid
  pid="$(cat "$STATE_DIR/ferretdb.pid" 2>/dev/null || true)"
  # A pid file left from before a reboot may name another process now: only FerretDB is ever stopped
  # (its binary may have been rebuilt under it since, which the kernel marks "(deleted)").
  local exe
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
  if [ -n "$pid" ] && [ "${exe% (deleted)}" != "$(readlink -f "$bin")" ]; then pid=""; fi
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(cat "$config_file" 2>/dev/null)" != "$config" ]; then
    log "restarting FerretDB with its new build or settings"
    stop_ferretdb "$pid"
  elif [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && ! ferretdb_answers; then
    # FerretDB 1.24 can stop answering while still accepting connections (seen after one update
    # command of 50 statements, its PostgreSQL pool's size): a test run against it would hang.
    log "FerretDB does not answer a ping; restarting it"
    stop_ferretdb "$pid"
  fi
  if ! port_open 127.0.0.1 27017; then
    psql "$TEST_POSTGRES_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'" | grep -q 1 ||
      psql "$TEST_POSTGRES_URL" -qc "CREATE DATABASE ferretdb"
    mkdir -p "$STATE_DIR"
    log "starting FerretDB on 127.0.0.1:27017 (PostgreSQL backend, database ferretdb)"
    nohup "$bin" -listen-addr 127.0.0.1:27017 -handler postgresql -postgresql-url "$pg_url" -log-level error \
      >>"$STATE_DIR/ferretdb.log" 2>&1 &
    echo $! >"$STATE_DIR/ferretdb.pid"
    echo "$config" >"$config_file"
    wait_port 127.0.0.1 27017 20 FerretDB
  fi
}

stop_ferretdb() { # pid
  kill "$1" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

# A MongoDB ping within 10 s, with the project's own driver.
ferretdb_answers() {
  ensure_node_modules
  (cd "$REPO_ROOT" && timeout 10 node -e '
    const { MongoClient } = require("mongodb");
    const client = new MongoClient("mongodb://127.0.0.1:27017", { serverSelectionTimeoutMS: 5000, socketTimeoutMS: 5000 });
    client.db("admin").command({ ping: 1 }).then(() => process.exit(0), () => process.exit(1));
  ') >/dev/null 2>&1
}

ensure_mongodb() {
  # MONGODB_PROVISIONED marks the FerretDB an outer script of this run started: scripts it runs
  # (local-up, e2e, bench) inherit its MONGODB_URL, which is still not a real MongoDB.
  if [ -n "${MONGODB_URL:-}" ] && [ "${MONGODB_PROVISIONED:-}" != ferretdb ]; then
    log "using the MongoDB at MONGODB_URL (stock-race tests run against it)"
    export MONGODB_IS_REAL=1
  else
    ensure_ferretdb
    export MONGODB_URL="mongodb://127.0.0.1:27017" MONGODB_PROVISIONED=ferretdb
  fi
}

# go install <package>@<version> unless <binary> was built from <module> at that version (a binary
# built by `go install` may report only part of its version, e.g. helm's "v3.16"; its module's is exact).
go_install_pinned() { # binary module package version
  [ "$(go version -m "$1" 2>/dev/null | awk -v module="$2" '$1 == "mod" && $2 == module {print $3}')" = "$4" ] && return 0
  go_env_for_installs
  log "installing $3@$4 (first run only)"
  GOBIN="$GOBIN_DIR" go install "$3@$4" || die "go install $3@$4 failed"
}

ensure_helm() {
  go_install_pinned "$(command -v helm 2>/dev/null || echo /nonexistent)" helm.sh/helm/v3 helm.sh/helm/v3/cmd/helm "$HELM_VERSION"
  local plugin_dir
  plugin_dir="$(helm env HELM_PLUGINS)/helm-unittest"
  if ! grep -q "version: \"${HELM_UNITTEST_VERSION#v}\"" "$plugin_dir/plugin.yaml" 2>/dev/null || [ ! -x "$plugin_dir/untt" ]; then
    go_env_for_installs
    log "installing helm-unittest $HELM_UNITTEST_VERSION (first run only)"
    GOBIN="$GOBIN_DIR" go install "github.com/helm-unittest/helm-unittest/cmd/helm-unittest@$HELM_UNITTEST_VERSION" ||
      die "helm-unittest install failed"
    # Installed by hand: the plugin's own install hook downloads a prebuilt binary, which cannot work here.
    mkdir -p "$plugin_dir"
    cp "$GOBIN_DIR/helm-unittest" "$plugin_dir/untt"
    cat >"$plugin_dir/plugin.yaml" <<YAML
name: "unittest"
version: "${HELM_UNITTEST_VERSION#v}"
usage: "unittest for helm charts"
description: "helm-unittest, built from source with go install"
ignoreFlags: false
command: "\$HELM_PLUGIN_DIR/untt"
YAML
  fi
}

# kube-score: an independent linter of the chart's renderings, beside the validator's re-implemented
# subset of kube-linter's checks (kube-linter itself is refused by the module proxy here).
ensure_kube_score() {
  go_install_pinned "$GOBIN_DIR/kube-score" github.com/zegl/kube-score github.com/zegl/kube-score/cmd/kube-score "$KUBE_SCORE_VERSION"
}

# True while the services of scripts/local-up.sh run; callers that find them running leave them be.
local_stack_running() {
  local pid
  pid="$(cat "$REPO_ROOT/.local/run/user-service.pid" 2>/dev/null)" && kill -0 "$pid" 2>/dev/null
}

ensure_shellcheck() {
  command -v shellcheck >/dev/null || apt_install shellcheck
}

ensure_node_modules() {
  local stamp="$REPO_ROOT/node_modules/.install-stamp" want
  want="$(node --version) $(sha256sum "$REPO_ROOT/package-lock.json" | cut -c1-16)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "npm ci"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
    echo "$want" >"$stamp"
  fi
}
