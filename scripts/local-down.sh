#!/usr/bin/env bash
# Stops the services scripts/local-up.sh started (SIGTERM, so each drains and exits 0).
# PostgreSQL, RabbitMQ and FerretDB stay up: they are this machine's servers, shared with the tests.
set -euo pipefail
RUN_DIR="$(cd "$(dirname "$0")/.." && pwd)/.local/run"
shopt -s nullglob
pids=()
for pidfile in "$RUN_DIR"/*.pid; do
  name=$(basename "$pidfile" .pid) pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    echo "==> stopping $name (pid $pid)"
    kill -TERM "$pid"
    # A paused process (the benchmark pauses the worker with SIGSTOP) acts on TERM only once resumed.
    kill -CONT "$pid" 2>/dev/null || true
    pids+=("$pid")
  fi
  rm -f "$pidfile"
done
for pid in "${pids[@]}"; do
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { echo "xx pid $pid did not stop in 30 s; killing it"; kill -KILL "$pid"; }
done
echo "==> stopped"
