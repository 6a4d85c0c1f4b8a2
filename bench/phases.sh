#!/usr/bin/env bash
# The phased-migration write benchmark of issue 8 (docs/performance.md, "Migration phases: dual writes"): the same
# write load against the same server build, first in MIGRATION_PHASE=postgres, then in MIGRATION_PHASE=dual with a
# second PostgreSQL database standing in for the secondary (SECONDARY_DATABASE_URL), and again in postgres and dual
# (ABAB, so a drift of the shared machine's load hits both phases). It prints, per phase, write throughput and
# P50/P99 of POST /investigations and PATCH /investigations/{id}, the CPU-seconds per 1,000 writes of the server and of
# the PostgreSQL processes serving the primary and the secondary database, the dual
# / postgres P99 ratio against the target (<= 1.3x), and in dual the relay's throughput (documents/s) and the outbox
# lag (depth and age of the oldest entry, sampled every second from /status/migration) under that load, then the
# time the outbox takes to drain once the load stops.
#
#   bench/phases.sh                                         the full run (~2 min of seeding-free measuring)
#   BENCH_DURATION=5 BENCH_INVESTIGATIONS=20000 bench/phases.sh    a smoke run
#   The server measured is the ReadyToRun publish scripts/run.sh runs (src/Olorin.Server/bin/ReadyToRun, published
#   again when a source is newer); BENCH_SKIP_BUILD=1 uses the binaries already built; BENCH_DB (the primary; the secondary is
#   ${BENCH_DB}_secondary), BENCH_PORT, BENCH_CONNECTIONS, BENCH_OUT as named; BENCH_SERVER_DLL runs another build
#   (a copy of main's bin/ReadyToRun — or a plain bin/Release/net10.0 for the JIT — set aside, to compare two builds in alternating runs; implies BENCH_SKIP_BUILD).
#
# Needs: wrk, psql, jq, a PostgreSQL with pgvector (the local one), the .NET SDK. Not part of scripts/test.sh (it takes
# minutes); traffic goes to 127.0.0.1 only. Both databases are dropped at the end unless BENCH_KEEP=1.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh"
PORT="${BENCH_PORT:-8092}"
DB="${BENCH_DB:-olorin_bench_phases}"
SECONDARY_DB="${DB}_secondary"
PG="${BENCH_PG:-Host=127.0.0.1;Port=5432;Username=olorin;Password=olorin;Timeout=30;Command Timeout=120}"
PSQL_URL="${BENCH_PSQL_URL:-postgresql://olorin:olorin@127.0.0.1:5432}"
INVESTIGATIONS="${BENCH_INVESTIGATIONS:-200000}"
DURATION="${BENCH_DURATION:-15}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
THREADS=2
TENANT=bench
URL="http://127.0.0.1:$PORT"
OUT="${BENCH_OUT:-$REPO/bench/results/phases}"
mkdir -p "$OUT"
export BENCH_LUA="$REPO/bench/lua" BENCH_TENANT="$TENANT" BENCH_INVESTIGATIONS="$INVESTIGATIONS" BENCH_THREADS="$THREADS"

log() { echo "[bench] $*" >&2; }
for tool in wrk psql jq curl; do command -v "$tool" >/dev/null || { log "$tool is missing"; exit 2; }; done

SERVER_DLL="${BENCH_SERVER_DLL:-$REPO/src/Olorin.Server/bin/ReadyToRun/Olorin.Server.dll}"
# The server as scripts/run.sh and the image run it: a ReadyToRun publish, redone when a source is newer.
if [ -z "${BENCH_SKIP_BUILD:-}" ] && [ -z "${BENCH_SERVER_DLL:-}" ] && sources_newer_than "$SERVER_DLL"; then
  log "publishing the server (Release, ReadyToRun) to $(dirname "$SERVER_DLL")"
  publish_ready_to_run "$REPO/src/Olorin.Server/Olorin.Server.csproj" "$(dirname "$SERVER_DLL")" "$OUT/build.log" \
    || { cat "$OUT/build.log" >&2; log "the server's build failed"; exit 2; }
fi

for db in "$DB" "$SECONDARY_DB"; do
  psql "$PSQL_URL/postgres" -qAt -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
done
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "${sampler_pid:-}" ] && kill "$sampler_pid" 2>/dev/null || true
  if [ -z "${BENCH_KEEP:-}" ]; then
    for db in "$DB" "$SECONDARY_DB"; do psql "$PSQL_URL/postgres" -qAt -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  fi
}
trap cleanup EXIT

# start_server <phase>: the server in that phase (the secondary only in dual), waiting until it answers.
start_server() {
  local phase="$1" secondary=()
  [ "$phase" = dual ] && secondary=("SECONDARY_DATABASE_URL=$PG;Database=$SECONDARY_DB")
  env DATABASE_URL= "ConnectionStrings__Postgres=$PG;Database=$DB" Database__MigrateOnStartup=true \
    MIGRATION_PHASE="$phase" "${secondary[@]}" \
    ASPNETCORE_URLS="$URL" AUTH_MODE=headers EMBEDDING_ENABLED=false Serilog__MinimumLevel__Default=Warning \
    dotnet "$SERVER_DLL" >>"$OUT/server-$phase.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do curl -fs "$URL/health/live" >/dev/null 2>&1 && break; sleep 1; done
  curl -fs "$URL/health/live" >/dev/null || { log "the server did not start in $phase; see $OUT/server-$phase.log"; exit 2; }
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; }
cpu_seconds() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$server_pid/stat"; }
# pg_ticks <db>: "pid cpu-ticks" of every PostgreSQL process attached to that database (the server's pooled
# connections, autovacuum workers); pg_cpu_delta <before> <after>: the CPU-seconds they used in between (a process
# that exited in between is not counted: the server's pool keeps its connections for the run).
pg_ticks() {
  psql "$PSQL_URL/postgres" -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$1'" | while read -r pid; do
    [ -r "/proc/$pid/stat" ] && awk -v p="$pid" '{ print p, $14 + $15 }' "/proc/$pid/stat"
  done
  true
}
pg_cpu_delta() { awk 'NR == FNR { b[$1] = $2; next } { s += $2 - ($1 in b ? b[$1] : 0) } END { printf "%.2f", s / 100 }' "$1" "$2"; }
migration() { curl -fs "$URL/status/migration"; }

# Seeding (postgres phase, so nothing is captured): one investigation through the API, copied in SQL, as bench/run.sh.
start_server postgres
hdr=(-H "X-Tenant-Id: $TENANT" -H "X-User-Id: bench" -H "Content-Type: application/json")
log "seeding $INVESTIGATIONS investigations for the PATCH runs"
curl -fs "${hdr[@]}" -d '{"investigation_id":"inv-template","settings":{"name":"bench card testing ring","entities":[{"entity_type":"email","entity_value":"ring@example.com"}]},"status":"CREATED","metadata":{"source":"bench"}}' "$URL/investigations" >/dev/null
psql "$PSQL_URL/$DB" -v ON_ERROR_STOP=1 -qAt <<SQL
DO \$\$
DECLARE cols text;
BEGIN
  SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO cols
  FROM information_schema.columns
  WHERE table_name = 'investigation_states' AND is_generated = 'NEVER'
    AND column_name NOT IN ('investigation_id', 'created_at', 'updated_at');
  EXECUTE format('INSERT INTO investigation_states (investigation_id, created_at, updated_at, %s)
                  SELECT ''inv-'' || lpad(g::text, 6, ''0''), now(), now(), %s
                  FROM investigation_states, generate_series(0, $INVESTIGATIONS - 1) AS g
                  WHERE tenant_id = ''$TENANT'' AND investigation_id = ''inv-template''', cols, cols);
END \$\$;
SQL
psql "$PSQL_URL/$DB" -qAt -c "VACUUM ANALYZE" >/dev/null
stop_server

rows=()
ratios=()
declare -A p99
# PATCH slices: each measured run patches ids no earlier run touched (version 1 stays valid).
slice=0
# measure <phase> <round>
measure() {
  local phase="$1" round="$2"
  start_server "$phase"
  if [ "$phase" = dual ]; then
    # Steady state: whatever an earlier round left in the outbox is applied before the load starts.
    for _ in $(seq 1 120); do [ "$(migration | jq '.outbox.depth // 0')" = 0 ] && break; sleep 1; done
    : >"$OUT/lag-$round.txt"
    ( while true; do migration | jq -r '"\(.outbox.depth) \(.outbox.oldest_age_seconds // 0) \(.outbox.applied)"' >>"$OUT/lag-$round.txt" 2>/dev/null || true; sleep 1; done ) &
    sampler_pid=$!
  fi
  local applied_before=0
  [ "$phase" = dual ] && applied_before="$(migration | jq '.outbox.applied')"
  # warm-up
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$BENCH_LUA/post.lua" "$URL/investigations" >/dev/null 2>&1 || true
  local load cpu_before cpu_after post patch
  load="$(cut -d' ' -f1 /proc/loadavg)"
  cpu_before="$(cpu_seconds)"
  pg_ticks "$DB" >"$OUT/pg-primary-before"; pg_ticks "$SECONDARY_DB" >"$OUT/pg-secondary-before"
  local started; started=$(date +%s.%N)
  post="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$BENCH_LUA/post.lua" "$URL/investigations" | tee -a "$OUT/wrk.txt" | grep '^RESULT' | tail -1)"
  patch="$(BENCH_PATCH_OFFSET=$((slice * INVESTIGATIONS / 8)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$BENCH_LUA/patch.lua" "$URL/investigations" | tee -a "$OUT/wrk.txt" | grep '^RESULT' | tail -1)"
  local elapsed; elapsed=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
  slice=$((slice + 1))
  cpu_after="$(cpu_seconds)"
  pg_ticks "$DB" >"$OUT/pg-primary-after"; pg_ticks "$SECONDARY_DB" >"$OUT/pg-secondary-after"
  read -r _ post_rps post_p50 post_p99 post_bad post_err <<<"$post"
  read -r _ patch_rps patch_p50 patch_p99 patch_bad patch_err <<<"$patch"
  local writes; writes=$(awk -v a="$post_rps" -v b="$patch_rps" -v d="$DURATION" 'BEGIN { printf "%d", (a + b) * d }')
  local cpu_per_k; cpu_per_k=$(awk -v a="$cpu_before" -v b="$cpu_after" -v w="$writes" 'BEGIN { printf "%.2f", (b - a) * 1000 / w }')
  local pg_primary pg_secondary
  pg_primary=$(awk -v c="$(pg_cpu_delta "$OUT/pg-primary-before" "$OUT/pg-primary-after")" -v w="$writes" 'BEGIN { printf "%.2f", c * 1000 / w }')
  pg_secondary=$(awk -v c="$(pg_cpu_delta "$OUT/pg-secondary-before" "$OUT/pg-secondary-after")" -v w="$writes" 'BEGIN { printf "%.2f", c * 1000 / w }')
  local relay="–" lag="–" drain="–"
  if [ "$phase" = dual ]; then
    local applied_after; applied_after="$(migration | jq '.outbox.applied')"
    relay=$(awk -v a="$applied_before" -v b="$applied_after" -v t="$elapsed" 'BEGIN { printf "%.0f", (b - a) / t }')
    # Steady state: the second half of the samples taken under load.
    lag=$(awk '{ d[NR] = $1; a[NR] = $2 } END { n = 0; for (i = int(NR / 2) + 1; i <= NR; i++) { n++; sd += d[i]; sa += a[i]; if (d[i] > md) md = d[i]; if (a[i] > ma) ma = a[i] }
                if (n == 0) { print "–"; exit } printf "depth mean %.0f max %d; oldest mean %.2f s max %.2f s", sd / n, md, sa / n, ma }' "$OUT/lag-$round.txt")
    kill "$sampler_pid" 2>/dev/null || true; sampler_pid=
    local drain_started; drain_started=$(date +%s.%N)
    for _ in $(seq 1 600); do [ "$(migration | jq '.outbox.depth')" = 0 ] && break; sleep 0.2; done
    drain=$(awk -v s="$drain_started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f s", e - s }')
  fi
  stop_server
  p99["$phase-$round-post"]=$post_p99
  p99["$phase-$round-patch"]=$patch_p99
  rows+=("| $round | $phase | $post_rps | $post_p50 | $post_p99 | $patch_rps | $patch_p50 | $patch_p99 | $((post_bad + patch_bad)) / $((post_err + patch_err)) | $cpu_per_k | $pg_primary | $pg_secondary | $relay | $lag | $drain | $load |")
  log "round $round $phase: POST $post_rps/s P99 $post_p99 ms; PATCH $patch_rps/s P99 $patch_p99 ms; CPU $cpu_per_k s per 1000 writes (PostgreSQL: primary $pg_primary, secondary $pg_secondary); relay $relay docs/s; lag $lag; drain $drain"
}

: >"$OUT/wrk.txt"
for round in 1 2; do
  measure postgres "$round"
  measure dual "$round"
done

failed=0
for round in 1 2; do
  for op in post patch; do
    ratio=$(awk -v d="${p99[dual-$round-$op]}" -v p="${p99[postgres-$round-$op]}" 'BEGIN { printf "%.2f", d / p }')
    verdict=met; awk -v r="$ratio" 'BEGIN { exit !(r <= 1.3) }' || { verdict=MISSED; failed=1; }
    ratios+=("| $round | $op | ${p99[postgres-$round-$op]} | ${p99[dual-$round-$op]} | $ratio | $verdict |")
  done
done

{
  echo "## Run of $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $CONNECTIONS connections, ${DURATION}s per operation and phase"
  echo
  echo "| round | phase | POST/s | POST P50 ms | POST P99 ms | PATCH/s | PATCH P50 ms | PATCH P99 ms | status ≥ 400 / socket errors | server CPU s per 1000 writes | PostgreSQL CPU s per 1000 writes, primary | … secondary | relay docs/s | outbox lag under load | drain after load | load avg (1 min) before |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "| round | write | postgres P99 ms | dual P99 ms | dual / postgres | target <= 1.3x |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${ratios[@]}"
} | tee "$OUT/summary.md"
[ "$failed" = 0 ] || { log "the P99 target was missed"; exit 1; }
