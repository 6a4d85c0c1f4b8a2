#!/usr/bin/env bash
# The change relay's cost per document (docs/performance.md, "Session 9: relay cost per document"): CPU-seconds of
# the server, of the primary's PostgreSQL and of the secondary's per 1,000 documents the relay copies, measured while
# it drains a backlog with no request load — so nothing but the relay runs, and the figure does not depend on a write
# rate. bench/phases.sh measures the relay under the write load; this isolates it, for A/B comparisons of builds.
#
# Once: seeds investigations (postgres phase), then writes BENCH_LOAD_SECONDS of POST and of PATCH (bench/lua, as
# bench/phases.sh) in MIGRATION_PHASE=dual with the relay held back (OUTBOX_RELAY_POLL_MS=60000: after its first,
# empty batch it sleeps through the load), and keeps the outbox's keys (an investigation and its audit entry per
# write). Each measurement then starts a server in dual and puts those keys back in the outbox BENCH_DRAINS times
# (default 3), waiting each time until its relay has drained them into the secondary in full batches
# (OUTBOX_RELAY_BATCH_SIZE, 500 by default); every drain is measured from the refill to the empty outbox (read in SQL,
# not through the server). The first drain of a process runs on start-up code (ReadyToRun, tier 0) while the tiered
# JIT recompiles the hot methods — what every bench/phases.sh `dual` phase, a fresh process, pays —, the last one
# shows a warmed-up relay. The secondary holds every document after the first drain, so later drains replace rows,
# as the steady-state relay does.
#
#   BENCH_SERVER_DLLS="/tmp/a/Olorin.Server.dll /tmp/b/Olorin.Server.dll" bench/relay-drain.sh
#       alternates the builds (a b a b …) over the same backlog, BENCH_ROUNDS rounds (default 3), a server process each
#   Without BENCH_SERVER_DLLS: the ReadyToRun publish scripts/run.sh runs (src/Olorin.Server/bin/ReadyToRun, published
#   again when a source is newer unless BENCH_SKIP_BUILD=1). BENCH_DB (the primary; the secondary is ${BENCH_DB}_secondary),
#   BENCH_PORT, BENCH_INVESTIGATIONS (seeded, default 20000), BENCH_LOAD_SECONDS (per operation, default 15), BENCH_DRAINS,
#   BENCH_CONNECTIONS, BENCH_OUT as named. Both databases are dropped at the end unless BENCH_KEEP=1.
#
# Needs: wrk, psql, jq, curl, a PostgreSQL with pgvector (the local one), the .NET SDK. Traffic goes to 127.0.0.1 only.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh"
PORT="${BENCH_PORT:-8092}"
DB="${BENCH_DB:-olorin_bench_relay}"
SECONDARY_DB="${DB}_secondary"
PG="${BENCH_PG:-Host=127.0.0.1;Port=5432;Username=olorin;Password=olorin;Timeout=30;Command Timeout=120}"
PSQL_URL="${BENCH_PSQL_URL:-postgresql://olorin:olorin@127.0.0.1:5432}"
INVESTIGATIONS="${BENCH_INVESTIGATIONS:-20000}"
LOAD_SECONDS="${BENCH_LOAD_SECONDS:-15}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
ROUNDS="${BENCH_ROUNDS:-3}"
DRAINS="${BENCH_DRAINS:-3}"
THREADS=2
TENANT=bench
URL="http://127.0.0.1:$PORT"
OUT="${BENCH_OUT:-$REPO/bench/results/relay-drain}"
mkdir -p "$OUT"
export BENCH_LUA="$REPO/bench/lua" BENCH_TENANT="$TENANT" BENCH_INVESTIGATIONS="$INVESTIGATIONS" BENCH_THREADS="$THREADS"

log() { echo "[bench] $*" >&2; }
for tool in wrk psql jq curl; do command -v "$tool" >/dev/null || { log "$tool is missing"; exit 2; }; done

if [ -n "${BENCH_SERVER_DLLS:-}" ]; then
  read -r -a DLLS <<<"$BENCH_SERVER_DLLS"
else
  DLLS=("$REPO/src/Olorin.Server/bin/ReadyToRun/Olorin.Server.dll")
  if [ -z "${BENCH_SKIP_BUILD:-}" ] && sources_newer_than "${DLLS[0]}"; then
    log "publishing the server (Release, ReadyToRun) to $(dirname "${DLLS[0]}")"
    publish_ready_to_run "$REPO/src/Olorin.Server/Olorin.Server.csproj" "$(dirname "${DLLS[0]}")" "$OUT/build.log" \
      || { cat "$OUT/build.log" >&2; log "the server's build failed"; exit 2; }
  fi
fi

for db in "$DB" "$SECONDARY_DB"; do
  psql "$PSQL_URL/postgres" -qAt -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
done
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  if [ -z "${BENCH_KEEP:-}" ]; then
    for db in "$DB" "$SECONDARY_DB"; do psql "$PSQL_URL/postgres" -qAt -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  fi
}
trap cleanup EXIT

# start_server <dll> <phase> [VAR=value …]: the server in that phase (the secondary only in dual), waiting until it answers.
start_server() {
  local dll="$1" phase="$2" secondary=()
  shift 2
  [ "$phase" = dual ] && secondary=("SECONDARY_DATABASE_URL=$PG;Database=$SECONDARY_DB")
  env DATABASE_URL= "ConnectionStrings__Postgres=$PG;Database=$DB" Database__MigrateOnStartup=true \
    MIGRATION_PHASE="$phase" "${secondary[@]}" "$@" \
    ASPNETCORE_URLS="$URL" AUTH_MODE=headers EMBEDDING_ENABLED=false Serilog__MinimumLevel__Default=Warning \
    dotnet "$dll" >>"$OUT/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do curl -fs "$URL/health/live" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fs "$URL/health/live" >/dev/null || { log "the server did not start in $phase; see $OUT/server.log"; exit 2; }
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
depth() { psql "$PSQL_URL/$DB" -qAt -c "SELECT count(*) FROM change_outbox"; }
# pg_ticks <db>: "pid cpu-ticks" of every PostgreSQL process attached to that database; pg_cpu_delta <before> <after>:
# the CPU-seconds they used in between (as bench/phases.sh).
pg_ticks() {
  psql "$PSQL_URL/postgres" -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$1'" | while read -r pid; do
    [ -r "/proc/$pid/stat" ] && awk -v p="$pid" '{ print p, $14 + $15 }' "/proc/$pid/stat"
  done
  true
}
pg_cpu_delta() { awk 'NR == FNR { b[$1] = $2; next } { s += $2 - ($1 in b ? b[$1] : 0) } END { printf "%.3f", s / 100 }' "$1" "$2"; }

# The backlog: seeded investigations (as bench/phases.sh), then POST and PATCH load in dual with the relay asleep.
start_server "${DLLS[0]}" postgres
hdr=(-H "X-Tenant-Id: $TENANT" -H "X-User-Id: bench" -H "Content-Type: application/json")
log "seeding $INVESTIGATIONS investigations"
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

log "writing the backlog: ${LOAD_SECONDS}s of POST and of PATCH in dual, relay held back"
start_server "${DLLS[0]}" dual OUTBOX_RELAY_POLL_MS=60000
sleep 1
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${LOAD_SECONDS}s" --timeout 10s -s "$BENCH_LUA/post.lua" "$URL/investigations" | grep '^RESULT' >&2
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${LOAD_SECONDS}s" --timeout 10s -s "$BENCH_LUA/patch.lua" "$URL/investigations" | grep '^RESULT' >&2
stop_server
# One entry per key, in the order of the key's first change.
psql "$PSQL_URL/$DB" -v ON_ERROR_STOP=1 -qAt \
  -c "\\copy (SELECT collection, tenant_id, document_id FROM change_outbox GROUP BY 1, 2, 3 ORDER BY min(seq)) TO '$OUT/backlog.tsv'"
BACKLOG=$(wc -l <"$OUT/backlog.tsv")
log "backlog: $BACKLOG keys ($(grep -c '^investigations' "$OUT/backlog.tsv") investigations); the first drain copies them to the secondary"

# refill: puts the backlog's keys back in the outbox (one transaction: the relay sees them all at once).
refill() {
  psql "$PSQL_URL/$DB" -v ON_ERROR_STOP=1 -qAt -c "\\copy change_outbox (collection, tenant_id, document_id) FROM '$OUT/backlog.tsv'"
}
wait_empty() { for _ in $(seq 1 3000); do [ "$(depth)" = 0 ] && return; sleep 0.1; done; log "the outbox did not drain"; exit 2; }

# measure <dll>: one server process in dual, BENCH_DRAINS drains of the backlog; prints one line per drain:
# "seconds server-cpu primary-cpu secondary-cpu".
measure() {
  local dll="$1" start_ticks end_ticks start_time end_time
  start_server "$dll" dual
  for _ in $(seq 1 "$DRAINS"); do
    start_ticks=$(cpu_ticks); start_time=$(date +%s.%N)
    pg_ticks "$DB" >"$OUT/pg-primary-before"; pg_ticks "$SECONDARY_DB" >"$OUT/pg-secondary-before"
    refill; wait_empty
    end_ticks=$(cpu_ticks); end_time=$(date +%s.%N)
    pg_ticks "$DB" >"$OUT/pg-primary-after"; pg_ticks "$SECONDARY_DB" >"$OUT/pg-secondary-after"
    awk -v s="$start_time" -v e="$end_time" -v a="$start_ticks" -v b="$end_ticks" \
      -v p="$(pg_cpu_delta "$OUT/pg-primary-before" "$OUT/pg-primary-after")" -v q="$(pg_cpu_delta "$OUT/pg-secondary-before" "$OUT/pg-secondary-after")" \
      'BEGIN { printf "%.2f %.3f %.3f %.3f\n", e - s, (b - a) / 100, p, q }'
  done
  stop_server
}

# The outbox still holds the backlog's own entries: a first, unmeasured process copies every document to the secondary.
start_server "${DLLS[0]}" dual; wait_empty; stop_server
rows=()
for round in $(seq 1 "$ROUNDS"); do
  for dll in "${DLLS[@]}"; do
    load="$(cut -d' ' -f1 /proc/loadavg)"
    drain=0
    measure "$dll" >"$OUT/drains.txt"
    while read -r seconds server primary secondary; do
      drain=$((drain + 1))
      row=$(awk -v t="$seconds" -v n="$BACKLOG" -v c="$server" -v p="$primary" -v q="$secondary" \
        'BEGIN { printf "%.0f | %.3f | %.3f | %.3f", n / t, c * 1000 / n, p * 1000 / n, q * 1000 / n }')
      rows+=("| $round | $dll | $drain | $row | $load |")
      log "round $round $dll drain $drain: $row (load $load)"
    done <"$OUT/drains.txt"
  done
done

{
  echo "## Relay drain of $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores; backlog $BACKLOG documents, batches of ${OUTBOX_RELAY_BATCH_SIZE:-500}"
  echo
  echo "| round | server build | drain of the process | documents/s | server CPU-s per 1,000 documents | primary PostgreSQL | secondary PostgreSQL | load avg (1 min) before the process |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
} | tee "$OUT/summary.md"
