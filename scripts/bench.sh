#!/usr/bin/env bash
# Benchmarks the local stack, each figure beside its ceiling, in one run.
#   scripts/bench.sh           full run: each scenario in four 3 s windows (login: 2 s) alternating with its ceiling,
#                              after a 3 s warm-up; a 1000-order pipeline;
#                              updates bench/RESULTS.md and bench/results/
#   scripts/bench.sh --quick   a few seconds, to keep the harness working (the test command runs it);
#                              its figures go to .local/reports/bench-quick/
set -euo pipefail
source "$(dirname "$0")/lib/provision.sh"
cd "$REPO_ROOT"
# Set below, only for the stack this script starts; never taken from the caller.
unset BENCH_STACK
if ! local_stack_running; then
  # A fresh products database each run: FerretDB (the MongoDB stand-in here) scans collections
  # rather than use their indexes, so data left by earlier runs would slow later ones down.
  export LOCAL_PRODUCTS_DATABASE=products_bench
  ensure_postgres
  ensure_node_modules
  ensure_mongodb # FerretDB, unless MONGODB_URL names a MongoDB: the drop below needs it up
  node -e 'const { MongoClient } = require("mongodb");
    MongoClient.connect(process.argv[1], { serverSelectionTimeoutMS: 5000 }).then(async (c) => { await c.db("products_bench").dropDatabase(); await c.close(); })' \
    "${MONGODB_URL:-mongodb://127.0.0.1:27017}" 2>/dev/null || true
  # Request logs at info would measure the logger; warn keeps errors visible.
  trap 'bash scripts/local-down.sh' EXIT
  LOG_LEVEL=warn bash scripts/local-up.sh
  # Only a full run on this stack updates bench/RESULTS.md and bench/results/ (bench.js reads this).
  export BENCH_STACK=fresh
elif [ "${1:-}" != --quick ] && [ "${BENCH_ON_RUNNING_STACK:-}" != 1 ]; then
  # A stack left running may log requests at info (which would measure the logger) and hold the
  # products of earlier runs (which FerretDB scans): its figures are not this file's.
  die "a local stack is running; stop it with scripts/local-down.sh so this run starts its own, or set BENCH_ON_RUNNING_STACK=1 to measure it as it is (its figures then go to .local/reports/bench-running-stack/, not bench/RESULTS.md)"
fi
node bench/bench.js "$@"
