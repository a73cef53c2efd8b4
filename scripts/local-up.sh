#!/usr/bin/env bash
# Runs the whole system without a cluster: the four services as background processes on the
# contract's ports (3001-3004, internal 4001-4003) against local PostgreSQL, RabbitMQ and a
# MongoDB-compatible server. Idempotent; waits until every /readyz answers 200.
#
#   scripts/local-up.sh            # build, start what is not running, print the URLs
#   scripts/local-down.sh          # stop the services (the servers they use stay up)
#
# LOCAL_PRODUCTS_DATABASE names product-service's MongoDB database (default products).
# Honours ADMIN_EMAIL, ADMIN_PASSWORD, INTERNAL_API_TOKEN, JWT_SECRET and LOG_LEVEL from the
# environment; defaults are generated once per machine and kept in
# ~/.cache/ecommerce-platform/local-stack.env, because the databases they guard are the machine's
# too (a fresh clone must log in as the admin the existing `users` database already has).
# The settings in force are written to .local/stack.env for scripts/e2e.sh and the benchmarks.
set -euo pipefail
source "$(dirname "$0")/lib/provision.sh"
cd "$REPO_ROOT"

LOCAL_DIR="$REPO_ROOT/.local"
LOG_DIR="$LOCAL_DIR/logs"
RUN_DIR="$LOCAL_DIR/run"
mkdir -p "$LOG_DIR" "$RUN_DIR"

ensure_postgres
ensure_rabbitmq
ensure_mongodb
ensure_node_modules
if [ "${SKIP_BUILD:-}" != 1 ]; then
  log "building"
  npm run --silent build
fi

# --- secrets and accounts: the environment wins, then the kept defaults, then a fresh default ---
mkdir -p "$STATE_DIR"
STACK_ENV="$STATE_DIR/local-stack.env"
touch "$STACK_ENV"
chmod 600 "$STACK_ENV"
setting() { # name default-generator
  local name=$1 value
  value="${!name:-}"
  if [ -n "$value" ]; then printf '%s' "$value"; return; fi
  value="$(grep -E "^$name=" "$STACK_ENV" | tail -1 | cut -d= -f2- || true)"
  if [ -z "$value" ]; then
    value="$($2)"
    echo "$name=$value" >>"$STACK_ENV"
    log "$name not set: using a default (kept in $STACK_ENV)" >&2
  fi
  printf '%s' "$value"
}
default_admin_email() { echo "admin@example.com"; }
random_hex() { openssl rand -hex 32 2>/dev/null || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
ADMIN_EMAIL="$(setting ADMIN_EMAIL default_admin_email)"
ADMIN_PASSWORD="$(setting ADMIN_PASSWORD random_hex)"
INTERNAL_API_TOKEN="$(setting INTERNAL_API_TOKEN random_hex)"
JWT_SECRET="$(setting JWT_SECRET random_hex)"
LOG_LEVEL="${LOG_LEVEL:-info}"
umask 077
printf 'ADMIN_EMAIL=%s\nADMIN_PASSWORD=%s\nINTERNAL_API_TOKEN=%s\nJWT_SECRET=%s\n' \
  "$ADMIN_EMAIL" "$ADMIN_PASSWORD" "$INTERNAL_API_TOKEN" "$JWT_SECRET" >"$LOCAL_DIR/stack.env"
umask 022

# --- databases: PostgreSQL users/orders, MongoDB products, a RabbitMQ vhost of the stack's own ---
for db in users orders; do
  psql "$TEST_POSTGRES_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 ||
    { log "creating database $db"; psql "$TEST_POSTGRES_URL" -qc "CREATE DATABASE $db"; }
done
PG_BASE="${TEST_POSTGRES_URL%/*}"
VHOST=ecommerce
rabbitmqctl -q list_vhosts | grep -qx "$VHOST" || {
  log "creating RabbitMQ vhost $VHOST"
  rabbitmqctl -q add_vhost "$VHOST"
  rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*'
}
AMQP_URL="${RABBITMQ_URL%/}/$VHOST"

# --- the four services ---
start_service() { # name port internal-port env...
  local name=$1 port=$2 internal=$3
  shift 3
  local pidfile="$RUN_DIR/$name.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    log "$name already running (pid $(cat "$pidfile"))"
    return
  fi
  port_open 127.0.0.1 "$port" && die "port $port is taken by another process; stop it or run scripts/local-down.sh"
  log "starting $name on :$port${internal:+ (internal :$internal)}"
  env -i PATH="$PATH" HOME="$HOME" PORT="$port" ${internal:+INTERNAL_PORT="$internal"} LOG_LEVEL="$LOG_LEVEL" "$@" \
    nohup node "$name/dist/main.js" >>"$LOG_DIR/$name.log" 2>&1 &
  echo $! >"$pidfile"
}

start_service user-service 3001 4001 \
  DATABASE_URL="$PG_BASE/users" JWT_SECRET="$JWT_SECRET" INTERNAL_API_TOKEN="$INTERNAL_API_TOKEN" \
  ADMIN_EMAIL="$ADMIN_EMAIL" ADMIN_PASSWORD="$ADMIN_PASSWORD"
start_service product-service 3002 4002 \
  MONGODB_URL="${MONGODB_URL%/}/${LOCAL_PRODUCTS_DATABASE:-products}" USER_SERVICE_URL=http://127.0.0.1:4001 INTERNAL_API_TOKEN="$INTERNAL_API_TOKEN"
start_service order-service 3003 4003 \
  DATABASE_URL="$PG_BASE/orders" RABBITMQ_URL="$AMQP_URL" USER_SERVICE_URL=http://127.0.0.1:4001 \
  PRODUCT_SERVICE_URL=http://127.0.0.1:4002 INTERNAL_API_TOKEN="$INTERNAL_API_TOKEN" \
  ORDER_PAYMENT_TIMEOUT="${ORDER_PAYMENT_TIMEOUT:-30m}"
start_service integration-service 3004 "" \
  RABBITMQ_URL="$AMQP_URL" PRODUCT_SERVICE_URL=http://127.0.0.1:4002 ORDER_SERVICE_URL=http://127.0.0.1:4003 \
  INTERNAL_API_TOKEN="$INTERNAL_API_TOKEN"

# --- wait for readiness ---
for entry in user-service:3001 product-service:3002 order-service:3003 integration-service:3004; do
  name=${entry%%:*} port=${entry#*:}
  # By the clock, and each look bounded: a /readyz that waits on a stuck database must not stretch the minute.
  deadline=$((SECONDS + 60))
  until curl -sf -m 2 -o /dev/null "http://127.0.0.1:$port/readyz"; do
    if ! kill -0 "$(cat "$RUN_DIR/$name.pid")" 2>/dev/null; then
      tail -20 "$LOG_DIR/$name.log" >&2
      die "$name exited; its log is $LOG_DIR/$name.log"
    fi
    ((SECONDS < deadline)) || die "$name not ready after 60 s; see $LOG_DIR/$name.log"
    sleep 0.1
  done
done

cat <<MSG

The stack is up (logs in .local/logs/, stop it with scripts/local-down.sh):
  user-service         http://127.0.0.1:3001/api/users     (internal :4001)
  product-service      http://127.0.0.1:3002/api/products  (internal :4002)
  order-service        http://127.0.0.1:3003/api/orders    (internal :4003)
  integration-service  http://127.0.0.1:3004/metrics
  OpenAPI              http://127.0.0.1:300{1,2,3}/openapi.json
  admin                $ADMIN_EMAIL (password in .local/stack.env)

Replay the API collection:
  npx newman run api-collection/ecommerce.postman_collection.json \\
    -e api-collection/environments/local.postman_environment.json \\
    --env-var adminEmail="$ADMIN_EMAIL" --env-var adminPassword=<the admin password>
MSG
