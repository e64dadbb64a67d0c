#!/usr/bin/env bash
# Starts the built service as a user would (embedded PGlite, no Redis, a throw-away data directory), waits for
# /readyz, runs one query and stops it with SIGTERM. Catches what only plain `node dist` shows (ESM import cycles,
# decorator metadata) and proves the zero-dependency quick start.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
port=${SMOKE_PORT:-18104}
log="$dir/service.log"
(cd "$dir" && PORT=$port HOST=127.0.0.1 DATABASE_URL= REDIS_URL= exec node "$OLDPWD/dist/main.js" >"$log" 2>&1) &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log"; echo "service exited early"; exit 1; fi
  sleep 0.5
done
body=$(curl -fs "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
  -d '{"query":"mutation { upsertProviderConfig(input: {tenantId: \"smoke\", providerType: WEATHER, providerName: \"open_meteo\"}) { version providerName } }"}')
echo "$body"
echo "$body" | grep -q '"providerName":"open_meteo"' || { cat "$log"; exit 1; }
kill -TERM "$pid"
wait "$pid" || { code=$?; cat "$log"; echo "exit code $code"; exit 1; }
grep -q '"msg":"stopped"' "$log" || { cat "$log"; echo "no clean stop"; exit 1; }
echo "smoke ok"
