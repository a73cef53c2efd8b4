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
ensure_shellcheck
ensure_node_modules
log "provisioned in $((SECONDS - started)) s"

log "building (tsc -b, strict)"
npm run --silent build
npm run --silent typecheck:tests

REPORTS="$REPO_ROOT/.local/reports"
mkdir -p "$REPORTS"
log "unit and integration tests (jest, against real PostgreSQL, RabbitMQ and $([ -n "${MONGODB_IS_REAL:-}" ] && echo MongoDB || echo FerretDB))"
npx jest --ci --maxWorkers=2 --json --outputFile="$REPORTS/jest.json" "$@"

if [ -d charts/ecommerce ]; then
  log "chart tests"
  bash scripts/test-chart.sh
fi

log "end to end: the local stack, the whole API collection replayed with newman"
node api-collection/build-collection.js --check
local_stack_running || trap 'bash scripts/local-down.sh' EXIT
SKIP_BUILD=1 bash scripts/local-up.sh
SKIP_BUILD=1 bash scripts/e2e.sh

log "benchmark harness (quick mode: keeps it working; figures come from scripts/bench.sh)"
bash scripts/bench.sh --quick >"$REPORTS/bench-quick.log" 2>&1 || { cat "$REPORTS/bench-quick.log"; die "quick benchmark failed"; }
tail -n 14 "$REPORTS/bench-quick.log"

log "all tests passed in $((SECONDS - started)) s"
node -e '
  const jest = require(process.argv[1]);
  const run = require(process.argv[2]).run.stats.assertions;
  const passed = jest.numPassedTests + (run.total - run.failed);
  const failed = jest.numFailedTests + run.failed;
  console.log(`jest: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed, ${jest.numPendingTests} skipped`);
  console.log(`newman: ${run.total - run.failed} passed, ${run.failed} failed`);
  console.log(`tests: ${passed} passed, ${failed} failed`);
' "$REPORTS/jest.json" "$REPORTS/newman.json"
