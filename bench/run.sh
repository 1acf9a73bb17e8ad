#!/usr/bin/env bash
# CredentialPortal benchmark: the portal on Kestrel over --seed-scale databases, driven by wrk, beside a floor app
# doing the least a credential GET must do. Writes bench/results.md. Not part of the test run.
#   bench/run.sh                 # defaults: 3 runs of 10 s, 32 connections
#   RUNS=5 DURATION=30s bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}; DURATION=${DURATION:-10s}; CONNS=${CONNS:-32}; THREADS=${THREADS:-2}
PORT=5190; FLOOR_PORT=5191
BASE="http://127.0.0.1:$PORT/verba/restapi/v1"
ADMIN_PASSWORD="bench-first-password-1"
# The portal runs as Production here, which needs a master key for its key ring; one per run, since the data is thrown away.
MASTER_KEY=$(head -c 32 /dev/urandom | base64)
OUT=bench/results.md
WORK=$(mktemp -d)
trap 'pkill -f "CredentialPortal.dll --urls http://127.0.0.1:$PORT" || true; pkill -f "Floor.dll" || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Published, as deployed: static web assets (the Blazor script, Radzen's files) are served from the publish folder.
dotnet publish -c Release CredentialPortal -o "$WORK/portal" -v q -nologo >/dev/null
dotnet build -c Release bench/Floor -v q -nologo >/dev/null
dotnet build -c Release bench/CircuitProbe -v q -nologo >/dev/null
PORTAL_BIN=$WORK/portal
PROBE=$PWD/bench/CircuitProbe/bin/Release/net10.0/CircuitProbe.dll
FLOOR_BIN=$PWD/bench/Floor/bin/Release/net10.0

wait_for() { for _ in $(seq 1 1200); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "timeout waiting for $1" >&2; return 1; }

start_portal() { # data-dir [extra args]
  local data=$1; shift
  (cd "$PORTAL_BIN" && Portal__DataDirectory=$data Portal__AdminPassword=$ADMIN_PASSWORD Portal__MasterKey=$MASTER_KEY Api__TokenRequestsPerMinute=100000000 \
     Api__VerifyRequestsPerMinute=100000000 Logging__LogLevel__Default=Warning Portal__BackgroundTabPauseAfter=00:00:00 \
     exec dotnet CredentialPortal.dll --urls "http://127.0.0.1:$PORT" "$@" >>"$WORK/portal.log" 2>&1 &)
  wait_for "http://127.0.0.1:$PORT/healthz"
}
stop_portal() { pkill -f "CredentialPortal.dll --urls http://127.0.0.1:$PORT" || true; sleep 1; }

# The target of a page's Link rel="next" (an absolute path under the API base), e.g. to start a keyset walk mid-list.
next_link() { curl -sf -o /dev/null -D - -H "Authorization: Bearer $TOKEN" "$1" | tr -d '\r' | sed -n 's/^[Ll]ink: <\([^>]*\)>; rel="next".*/\1/p'; }

token() { curl -sf -X POST "$BASE/auth/token" -H 'Content-Type: application/json' -d "{\"client_id\":\"$1\",\"client_secret\":\"$2\"}" | python3 -c 'import sys,json;print(json.load(sys.stdin)["access_token"])'; }

# wrk → "rps p50ms p99ms" (median of RUNS by throughput)
measure() { # url [lua] [auth]   (CONNS=1 THREADS=1 measure … for one request at a time)
  local url=$1 lua=${2:-} auth=${3:-$TOKEN} results=()
  local warm=(-t"$THREADS" -c"$CONNS" -d3s --timeout 30s -H "Authorization: Bearer $auth")
  [ -n "$lua" ] && warm+=(-s "bench/$lua")
  wrk "${warm[@]}" "$url" >/dev/null # warm-up (JIT tiers, caches), not counted
  for _ in $(seq 1 "$RUNS"); do
    local args=(-t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 30s --latency -H "Authorization: Bearer $auth")
    [ -n "$lua" ] && args+=(-s "bench/$lua")
    results+=("$(wrk "${args[@]}" "$url" | awk '
      function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
      /Requests\/sec/ { rps=$2 } / 50%/ { p50=ms($2) } / 99%/ { p99=ms($2) } /Non-2xx/ { errors=$NF }
      END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, errors }')")
  done
  printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}

now() { python3 -c 'import time;print(time.time())'; }
since() { python3 -c "import time;print(f'{time.time()-$1:.2f}')"; }
declare -A R
# Floor.
(cd "$FLOOR_BIN" && exec dotnet Floor.dll --urls "http://127.0.0.1:$FLOOR_PORT" >>"$WORK/floor.log" 2>&1 &)
wait_for "http://127.0.0.1:$FLOOR_PORT/healthz"
FLOOR_TOKEN=$(curl -sf -X POST "http://127.0.0.1:$FLOOR_PORT/token" | python3 -c 'import sys,json;print(json.load(sys.stdin)["accessToken"])')
R[floor]=$(measure "http://127.0.0.1:$FLOOR_PORT/storageTargets/11" "" "$FLOOR_TOKEN")
pkill -f "Floor.dll" || true
HASHES=$(cd "$FLOOR_BIN" && dotnet Floor.dll hashes)

for size in 1000 100000; do
  data="$WORK/data-$size"
  s=$(now); start_portal "$data" --seed-scale "$size"; R[seed-$size]=$(since "$s"); stop_portal
  s=$(now); start_portal "$data"; R[startup-$size]=$(since "$s")
  TOKEN=$(token admin "$ADMIN_PASSWORD")
  R[list-$size]=$(measure "$BASE/users?offset=$(( size / 2 ))&limit=100")
  R[first-$size]=$(measure "$BASE/users?offset=0&limit=100")
  # The same middle page through the keyset cursor: the Link of the page just before it carries its 'after'.
  MIDDLE=$(next_link "$BASE/users?offset=$(( size / 2 - 100 ))&limit=100")
  [ -n "$MIDDLE" ] || { echo "no Link rel=next on the page before the middle" >&2; exit 1; }
  R[after-$size]=$(measure "http://127.0.0.1:$PORT$MIDDLE")
  if [ "$size" = 100000 ]; then
    R[get]=$(measure "$BASE/storageTargets/11")
    curl -sf -X PATCH "$BASE/storageTargets/1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"secretAccessKey":"bench-known-secret"}' >/dev/null
    R[patch]=$(ENTITIES=10000 measure "$BASE/storageTargets/1" patch-secret.lua)
    R[verify]=$(measure "$BASE/storageTargets/1/password/verify" verify-secret.lua)
    # Latency of one write at a time: under 32 writers the figure above is the single SQLite writer's queue.
    R[patch-1]=$(ENTITIES=10000 CONNS=1 THREADS=1 measure "$BASE/storageTargets/1" patch-secret.lua)
    R[verify-1]=$(CONNS=1 THREADS=1 measure "$BASE/storageTargets/1/password/verify" verify-secret.lua)
    R[password]=$(measure "$BASE/users/3" patch-password.lua)
    R[token]=$(measure "$BASE/auth/token" token.lua)
    # Portal: the prerendered /users (first page of 100k people) and memory per idle circuit, through Chromium.
    R[portal]=$(dotnet "$PROBE" "http://127.0.0.1:$PORT" admin "$ADMIN_PASSWORD" "$(pgrep -f "CredentialPortal.dll --urls http://127.0.0.1:$PORT" | head -n 1)" 40)
  fi
  stop_portal
done

field() { echo "${R[$1]}" | cut -d' ' -f"$2"; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
{
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, Release build, SQLite, wrk -t$THREADS -c$CONNS -d$DURATION, median of $RUNS runs."
  echo
  echo "| measurement | requests/s | p50 ms | p99 ms | vs floor (throughput) | non-2xx |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| floor: bearer auth + one entity | $(field floor 1) | $(field floor 2) | $(field floor 3) | 1.00 | $(field floor 4) |"
  for k in "get:GET /storageTargets/{id} (100k users)" \
           "first-1000:GET /users?offset=0&limit=100, 1k users" "first-100000:GET /users?offset=0&limit=100, 100k users" \
           "list-1000:GET /users?offset=N/2&limit=100, 1k users" "list-100000:GET /users?offset=N/2&limit=100, 100k users" \
           "after-1000:GET /users?after=(row N/2)&limit=100, 1k users" "after-100000:GET /users?after=(row N/2)&limit=100, 100k users" \
           "patch:PATCH connector secret, 32 connections" "patch-1:PATCH connector secret, 1 connection" \
           "verify:POST …/password/verify (connector), 32 connections" "verify-1:POST …/password/verify (connector), 1 connection" \
           "password:PATCH user password (PBKDF2-bound)" "token:POST /auth/token (PBKDF2-bound)"; do
    key=${k%%:*}; label=${k#*:}
    vs=$(ratio "$(field "$key" 1)" "$(field floor 1)"); [[ $key == *-1 ]] && vs="—" # one connection: a latency, not a throughput
    echo "| $label | $(field "$key" 1) | $(field "$key" 2) | $(field "$key" 3) | $vs | $(field "$key" 4) |"
  done
  echo
  echo "- PBKDF2-HMAC-SHA512 at 210,000 iterations: $HASHES hashes/s on one core (a password set = 1 hash + up to 5 history checks)."
  echo "- List p50 at 100k ÷ p50 at 1k: first page $(ratio "$(field first-100000 2)" "$(field first-1000 2)"), middle page (offset N/2) $(ratio "$(field list-100000 2)" "$(field list-1000 2)"), middle page through after $(ratio "$(field after-100000 2)" "$(field after-1000 2)")."
  echo "- At 100k users, p50 of the middle page ÷ p50 of the first page: by offset $(ratio "$(field list-100000 2)" "$(field first-100000 2)"), through after $(ratio "$(field after-100000 2)" "$(field first-100000 2)") (target ≤ 1.2)."
  p() { echo "${R[portal]}" | cut -d' ' -f"$1"; }
  echo "- Portal over 100k users: prerendered /users (first $(p 7) rows) server time p50 $(p 1) ms, p95 $(p 2) ms; navigation to rows on screen in Chromium $(p 3) ms (p50)."
  echo "- Memory, 40 idle circuits on /users, each reading after a full GC: managed heap $(p 8) MB before and $(p 9) MB after, $(p 10) KB per circuit; resident $(p 4) MB before and $(p 5) MB after, $(p 6) KB per circuit."
  echo "- Seeding: 1k users in $(printf %.1f "${R[seed-1000]}") s, 100k users + 10k of each connector resource in $(printf %.1f "${R[seed-100000]}") s (process start included)."
  echo "- Start-up to a healthy /healthz: $(printf %.2f "${R[startup-1000]}") s over 1k users, $(printf %.2f "${R[startup-100000]}") s over 100k users."
} > "$OUT"
cat "$OUT"
