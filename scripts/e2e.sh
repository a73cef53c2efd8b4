#!/usr/bin/env bash
# End-to-end replay: starts the local stack, replays the whole API collection with newman
# (every assertion must pass), writes JUnit and JSON reports to .local/reports/, and stops the stack
# (unless it was already running).
set -euo pipefail
source "$(dirname "$0")/lib/provision.sh"
cd "$REPO_ROOT"

local_stack_running || trap 'bash scripts/local-down.sh' EXIT
SKIP_BUILD="${SKIP_BUILD:-}" bash scripts/local-up.sh

admin_password="${ADMIN_PASSWORD:-$(grep -E '^ADMIN_PASSWORD=' .local/stack.env | tail -1 | cut -d= -f2-)}"
admin_email="${ADMIN_EMAIL:-$(grep -E '^ADMIN_EMAIL=' .local/stack.env | tail -1 | cut -d= -f2-)}"
mkdir -p .local/reports
npx newman run api-collection/ecommerce.postman_collection.json \
  -e api-collection/environments/local.postman_environment.json \
  --env-var "adminEmail=${admin_email:-admin@example.com}" --env-var "adminPassword=$admin_password" \
  --reporters cli,junit,json --reporter-junit-export .local/reports/newman.xml --reporter-json-export .local/reports/newman.json \
  --timeout-request 15000 --color on "$@"
