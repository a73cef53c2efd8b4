#!/usr/bin/env bash
# The one test command (README, `npm test`, .ci/run): provisions the servers and tools the tests
# need, builds every workspace, then runs every suite. Idempotent, and quick when all is in place.
set -euo pipefail
source "$(dirname "$0")/lib/provision.sh"
cd "$REPO_ROOT"

started=$SECONDS
ensure_postgres
ensure_rabbitmq
ensure_mongodb
ensure_helm
ensure_node_modules
log "provisioned in $((SECONDS - started)) s"

log "building (tsc -b, strict)"
npm run --silent build
npm run --silent typecheck:tests

log "unit and integration tests (jest, against real PostgreSQL, RabbitMQ and $([ -n "${MONGODB_IS_REAL:-}" ] && echo MongoDB || echo FerretDB))"
npx jest --ci --maxWorkers=2 "$@"

if [ -d charts/ecommerce ]; then
  log "chart tests"
  bash scripts/test-chart.sh
fi

log "all tests passed in $((SECONDS - started)) s"
