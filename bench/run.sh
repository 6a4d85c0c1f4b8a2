#!/usr/bin/env bash
# The load benchmark of issue 12 (docs/performance.md, "Load benchmark"): seeds a database of its own with
# 100k investigations, 1M transaction scores and 100k anomalies with embeddings, starts the server on it, measures
# every row of the issue's table with wrk (32 connections; similarity at concurrency 1), measures in the same run the
# two ceilings (the server's own nearly empty endpoint GET /health/live, and raw Npgsql for the same SELECT), prints
# API req/s, P50 and P99 against the runbook targets and exits 1 when a target is missed.
#
#   bench/run.sh                         the full run (a few minutes of seeding, ~15 s per row)
#   BENCH_INVESTIGATIONS=1000 BENCH_SCORES=10000 BENCH_ANOMALIES=2000 BENCH_DURATION=3 bench/run.sh   a smoke run
#   The server measured is the ReadyToRun publish scripts/run.sh runs (src/Olorin.Server/bin/ReadyToRun, published
#   again when a source is newer); BENCH_SKIP_BUILD=1 uses the binaries already built; BENCH_REUSE=1 measures the database BENCH_DB as an
#   earlier run seeded it (no drop, no seeding); BENCH_DB, BENCH_PORT, BENCH_PG, BENCH_OUT, BENCH_TOOL_DLL as named.
#   BENCH_ANOMALY_VECTORS=random (default) or a MiniLM .f32 file (BenchTool embed) for realistic embeddings;
#   BENCH_SIMILAR_QUERIES (100) similarity queries per path. BENCH_ROWS: an extended regex; only the rows whose label
#   matches are measured (e.g. 'PATCH|GET /investigations/' while iterating; "similar" selects the similarity rows).
#   BENCH_SERVER_DLL: another build of the server (e.g. a baseline copied aside), measured the same way.
#   The PATCH row patches seeded ids at version 1 (body "version": 1, as a client sends the version it read); before it
#   the script puts every seeded id an earlier run (BENCH_REUSE) already patched back to version 1 in SQL (then VACUUM
#   ANALYZE), so a reused database answers no 409 and the measured request stays that client's PATCH.
#   The server inherits this script's environment, so its settings go in front of the command: e.g.
#   SIMILARITY_EXACT_INDEX_MAX_MB=0 bench/run.sh measures the HNSW path as the default path (in-process index off).
#
# Each row also gives the CPU time per request of the server process and of the database's PostgreSQL backends
# (user + system from /proc/<pid>/stat across the wrk run, divided by the requests): figures that hold on a machine
# shared with other work, where req/s and latencies do not. A second tenant (bench1k) holds 1,000 investigations, so
# the list's page 1 at 100k is compared with page 1 at 1k in the same run (issue 12: within 2x), and the by-id read
# with raw Npgsql (at least 0.5x); both verdicts are printed after the table.
#
# Each row also gets a line of diagnostics (BENCH_DIAG=0 turns them off), so a tail can be attributed rather than guessed
# at: the server's garbage collections and GC pause time (dotnet-counters, installed into bench/.tools on first use;
# without it that column stays empty), the WAL the row wrote and its full-page images, and PostgreSQL's processes
# sampled every 0.2 s (the wait events of the database's active backends, the checkpointer, autovacuum workers).
# The list's 100k-against-1k line is measured with both tenants side by side in one window (half the connections
# each), so whatever else the machine does in that window falls on both; the rows of 32 connections each stay.
#
# Seeding: scores and anomalies go through the bulk endpoints (POST …/transaction-scores, POST /anomalies/bulk).
# There is no bulk endpoint for investigations: one is created through the API and copied in SQL
# (INSERT … SELECT over generate_series, every non-generated column), which is what a migration would write.
# Needs: wrk, psql, a PostgreSQL with pgvector (BENCH_PG, default the local one), the .NET SDK. Not part of
# scripts/test.sh (it takes minutes); traffic goes to 127.0.0.1 only.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh"
PORT="${BENCH_PORT:-8095}"
DB="${BENCH_DB:-olorin_bench}"
# Longer connect and command timeouts than the server's defaults (5 s / 30 s): on a machine shared with other work a
# 1,000-anomaly insert (1,000 HNSW graph inserts) took more than 30 s and answered 503.
PG="${BENCH_PG:-Host=127.0.0.1;Port=5432;Username=olorin;Password=olorin;Timeout=30;Command Timeout=120}"
PSQL_URL="${BENCH_PSQL_URL:-postgresql://olorin:olorin@127.0.0.1:5432}"
INVESTIGATIONS="${BENCH_INVESTIGATIONS:-100000}"
SCORES="${BENCH_SCORES:-1000000}"
ANOMALIES="${BENCH_ANOMALIES:-100000}"
# random: random unit embeddings (the worst case for an index); a MiniLM .f32 file (BenchTool embed): realistic ones.
ANOMALY_VECTORS="${BENCH_ANOMALY_VECTORS:-random}"
SIMILAR_QUERIES="${BENCH_SIMILAR_QUERIES:-100}"
DURATION="${BENCH_DURATION:-15}"
# Warm-up per row before it is measured: the first rows after start-up also pay the JIT's tier-1 compilation.
WARMUP="${BENCH_WARMUP:-5}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS=2
TENANT=bench
SMALL_TENANT=bench1k
SMALL_INVESTIGATIONS=1000
ROWS="${BENCH_ROWS:-.}"
SERVER_DLL="${BENCH_SERVER_DLL:-$REPO/src/Olorin.Server/bin/ReadyToRun/Olorin.Server.dll}"
URL="http://127.0.0.1:$PORT"
OUT="${BENCH_OUT:-$REPO/bench/results}"
mkdir -p "$OUT"
export BENCH_LUA="$REPO/bench/lua" BENCH_TENANT="$TENANT" BENCH_INVESTIGATIONS="$INVESTIGATIONS" BENCH_THREADS="$THREADS"

log() { echo "[bench] $*" >&2; }
psql_db() { psql "$PSQL_URL/$DB" -v ON_ERROR_STOP=1 -qAt "$@"; }

command -v wrk >/dev/null || { log "wrk is missing (apt-get install -y wrk)"; exit 2; }
command -v psql >/dev/null || { log "psql is missing"; exit 2; }

if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  # The server as scripts/run.sh and the image run it: a ReadyToRun publish, redone when a source is newer.
  if [ -z "${BENCH_SERVER_DLL:-}" ] && sources_newer_than "$SERVER_DLL"; then
    log "publishing the server (Release, ReadyToRun) to $(dirname "$SERVER_DLL")"
    publish_ready_to_run "$REPO/src/Olorin.Server/Olorin.Server.csproj" "$(dirname "$SERVER_DLL")" "$OUT/build.log" \
      || { cat "$OUT/build.log" >&2; log "the server's build failed"; exit 2; }
  fi
  log "building bench/BenchTool (Release)"
  dotnet build "$REPO/bench/BenchTool/BenchTool.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly
fi
TOOL=(dotnet "${BENCH_TOOL_DLL:-$REPO/bench/BenchTool/bin/Release/net10.0/BenchTool.dll}")

if [ -z "${BENCH_REUSE:-}" ]; then
  log "fresh database $DB"
  psql "$PSQL_URL/postgres" -qAt -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
fi

log "server on $URL (AUTH_MODE=headers, embedding off, request logging at Warning)"
server_log="$OUT/server.log"
env DATABASE_URL= "ConnectionStrings__Postgres=$PG;Database=$DB" Database__MigrateOnStartup=true \
  ASPNETCORE_URLS="$URL" AUTH_MODE=headers EMBEDDING_ENABLED=false Serilog__MinimumLevel__Default=Warning \
  dotnet "$SERVER_DLL" >"$server_log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "$URL/health/live" >/dev/null 2>&1 && break; sleep 1; done
curl -fs "$URL/health/live" >/dev/null || { log "the server did not start; see $server_log"; exit 2; }

hdr=(-H "X-Tenant-Id: $TENANT" -H "X-User-Id: bench" -H "Content-Type: application/json")
# The second tenant: the template investigation copied under it, SMALL_INVESTIGATIONS times (idempotent).
seed_small_tenant() {
  psql_db <<SQL
DO \$\$
DECLARE cols text;
BEGIN
  SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO cols
  FROM information_schema.columns
  WHERE table_name = 'investigation_states' AND is_generated = 'NEVER'
    AND column_name NOT IN ('tenant_id', 'investigation_id', 'created_at', 'updated_at');
  EXECUTE format('INSERT INTO investigation_states (tenant_id, investigation_id, created_at, updated_at, %s)
                  SELECT ''$SMALL_TENANT'', ''inv-'' || lpad(g::text, 6, ''0''), now() - g * interval ''1 second'', now() - g * interval ''1 second'', %s
                  FROM investigation_states, generate_series(0, $SMALL_INVESTIGATIONS - 1) AS g
                  WHERE tenant_id = ''$TENANT'' AND investigation_id = ''inv-template''
                  ON CONFLICT DO NOTHING', cols, cols);
END \$\$;
SQL
}
started=$(date +%s)
if [ -n "${BENCH_REUSE:-}" ]; then
  log "BENCH_REUSE: measuring the database $DB as an earlier run seeded it"
  # The POST row's investigations (ids post-…) of earlier runs go, with their audit entries, so every run measures the
  # seeded size: kept, each run added ~20,000 to the tenant, and the search row ("matches all") and the writes'
  # indexes measured a tenant that grew run by run.
  posted=$(psql_db -c "WITH d AS (DELETE FROM investigation_states WHERE tenant_id = '$TENANT' AND investigation_id LIKE 'post-%' RETURNING 1) SELECT count(*) FROM d")
  if [ "$posted" != 0 ]; then
    psql_db -c "DELETE FROM investigation_audit_log WHERE tenant_id = '$TENANT' AND investigation_id LIKE 'post-%'" >/dev/null
    log "BENCH_REUSE: $posted investigations an earlier run's POST row created removed (and their audit entries)"
  fi
  echo "reused $DB: $(psql_db -c "SELECT (SELECT count(*) FROM investigation_states) || ' investigations, ' || (SELECT count(*) FROM transaction_scores) || ' scores, ' || (SELECT count(*) FROM anomaly_events) || ' anomalies'")" | tee "$OUT/seed.txt"
  if [ "$(psql_db -c "SELECT count(*) FROM investigation_states WHERE tenant_id = '$SMALL_TENANT'")" = 0 ]; then
    log "seeding $SMALL_INVESTIGATIONS investigations of tenant $SMALL_TENANT (the list's 1k baseline)"
    seed_small_tenant
  fi
  psql_db -c "VACUUM ANALYZE"
else
log "seeding $INVESTIGATIONS investigations (one through the API, copied in SQL)"
curl -fs "${hdr[@]}" -d '{"investigation_id":"inv-template","settings":{"name":"bench card testing ring","entities":[{"entity_type":"email","entity_value":"ring@example.com"}]},"status":"IN_PROGRESS","metadata":{"source":"bench","priority":"high"}}' "$URL/investigations" >/dev/null
psql_db <<SQL
DO \$\$
DECLARE cols text;
BEGIN
  SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO cols
  FROM information_schema.columns
  WHERE table_name = 'investigation_states' AND is_generated = 'NEVER'
    AND column_name NOT IN ('investigation_id', 'created_at', 'updated_at');
  EXECUTE format('INSERT INTO investigation_states (investigation_id, created_at, updated_at, %s)
                  SELECT ''inv-'' || lpad(g::text, 6, ''0''), now() - g * interval ''1 second'', now() - g * interval ''1 second'', %s
                  FROM investigation_states, generate_series(0, $INVESTIGATIONS - 1) AS g
                  WHERE tenant_id = ''$TENANT'' AND investigation_id = ''inv-template''', cols, cols);
END \$\$;
SQL
log "seeding $SMALL_INVESTIGATIONS investigations of tenant $SMALL_TENANT (the list's 1k baseline)"
seed_small_tenant
log "seeding $SCORES transaction scores through the bulk endpoint"
curl -fs "${hdr[@]}" -d '{"investigation_id":"inv-scores"}' "$URL/investigations" >/dev/null
"${TOOL[@]}" seed-scores "$URL/" "$TENANT" inv-scores "$SCORES" | tee "$OUT/seed.txt"
# The HNSW graph insert is ~93% of loading an anomaly with its embedding (docs/performance.md): on the empty table the
# index is dropped for the load and built once afterwards, as the migration tool does (IBulkLoadIndexes), unless
# BENCH_DEFER_VECTOR_INDEX=0 (then every bulk request maintains the graph, as in production).
hnsw_defs=""
if [ "${BENCH_DEFER_VECTOR_INDEX:-1}" != 0 ] && [ "$(psql_db -c "SELECT count(*) FROM anomaly_events")" = 0 ]; then
  hnsw_defs="$(psql_db -c "SELECT indexdef FROM pg_indexes WHERE tablename = 'anomaly_events' AND indexdef LIKE '%USING hnsw%'")"
  for name in $(psql_db -c "SELECT indexname FROM pg_indexes WHERE tablename = 'anomaly_events' AND indexdef LIKE '%USING hnsw%'"); do
    psql_db -c "DROP INDEX $name"
  done
fi
log "seeding $ANOMALIES anomalies with embeddings through POST /anomalies/bulk${hnsw_defs:+ (HNSW index deferred)}"
"${TOOL[@]}" seed-anomalies "$URL/" "$TENANT" "$ANOMALIES" "$ANOMALY_VECTORS" | tee -a "$OUT/seed.txt"
if [ -n "$hnsw_defs" ]; then
  built=$(date +%s)
  while IFS= read -r def; do
    [ -n "$def" ] && psql_db -c "SET maintenance_work_mem = '1GB'" -c "SET max_parallel_maintenance_workers = 2" -c "$def"
  done <<<"$hnsw_defs"
  echo "HNSW index built after the load: $(( $(date +%s) - built )) s" | tee -a "$OUT/seed.txt"
fi
# Planner statistics, as autovacuum would gather within a minute or so: the similarity search estimates its
# candidates from them.
psql_db -c "VACUUM ANALYZE"
echo "seeding and VACUUM ANALYZE: $(( $(date +%s) - started )) s" | tee -a "$OUT/seed.txt"
fi

# Diagnostics beside the rows: dotnet-counters on the server (GC) and one psql connection sampling pg_stat_activity.
: >"$OUT/windows.tsv"; : >"$OUT/activity.txt"; rm -f "$OUT/counters.csv"
diag_pids=()
if [ "${BENCH_DIAG:-1}" != 0 ]; then
  counters="$(command -v dotnet-counters || true)"
  [ -n "$counters" ] || [ ! -x "$REPO/bench/.tools/dotnet-counters" ] || counters="$REPO/bench/.tools/dotnet-counters"
  if [ -z "$counters" ] && dotnet tool install --tool-path "$REPO/bench/.tools" dotnet-counters >"$OUT/counters-install.log" 2>&1; then
    counters="$REPO/bench/.tools/dotnet-counters"
  fi
  if [ -n "$counters" ]; then
    "$counters" collect -p "$server_pid" --counters System.Runtime --format csv -o "$OUT/counters.csv" --refresh-interval 1 >/dev/null 2>&1 &
    diag_pids+=($!)
  else
    log "dotnet-counters could not be installed (see $OUT/counters-install.log): no GC column"
  fi
  psql "$PSQL_URL/$DB" -qAt -F'|' -f "$REPO/bench/activity.sql" >"$OUT/activity.txt" 2>/dev/null &
  diag_pids+=($!)
  trap 'kill $server_pid "${diag_pids[@]}" 2>/dev/null || true' EXIT
fi
wal_now() { psql_db -F$'\t' -c "SELECT wal_bytes, wal_fpi FROM pg_stat_wal"; }

rows=()
failed=0
declare -A rps_of p99_of raw_of
clk_tck=$(getconf CLK_TCK)
# user + system ticks of the server process
server_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
# "pid ticks" of every PostgreSQL backend connected to the database (its process title names the database)
pg_ticks() {
  local pid
  for pid in $(pgrep -f "^postgres: .* $DB " || true); do
    awk -v p="$pid" '{ print p, $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true
  done
}
# CPU ms per request of the backends between two pg_ticks samples (a backend that left meanwhile is not counted)
pg_ms_per_request() {
  awk -v requests="$3" -v hz="$clk_tck" 'NR == FNR { before[$1] = $2; next } { used += $2 - before[$1] }
    END { if (requests > 0) printf "%.2f", used * 1000 / hz / requests; else print "–" }' "$1" "$2"
}
# record_window <label> <start epoch> <"wal_bytes wal_fpi" before>: the row's window and WAL for the diagnostics
record_window() {
  local label="$1" start="$2" before_bytes before_fpi after_bytes after_fpi
  read -r before_bytes before_fpi <<<"$3"
  read -r after_bytes after_fpi <<<"$(wal_now)"
  printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$start" "$(date +%s.%N)" "$((after_bytes - before_bytes))" "$((after_fpi - before_fpi))" >>"$OUT/windows.tsv"
}
# measure <label> <target ms or -> <connections> <lua> <path> [raw mode] [tenant]
measure() {
  local label="$1" target="$2" conns="$3" script="$4" path="$5" raw="${6:-}" tenant="${7:-$TENANT}"
  if ! [[ "$label" =~ $ROWS ]]; then return 0; fi
  local threads=$THREADS
  [ "$conns" -lt "$threads" ] && threads=$conns
  # warm-up (PATCH: on another quarter of the ids than the measured run; at ~1,000 PATCH/s a quarter lasts 25 s)
  BENCH_TENANT="$tenant" BENCH_PATCH_OFFSET=$((INVESTIGATIONS / 4)) wrk -t"$threads" -c"$conns" -d"${WARMUP}s" -s "$BENCH_LUA/$script" "$URL$path" >/dev/null 2>&1 || true
  local load result server_before server_after
  load="$(cut -d' ' -f1 /proc/loadavg)"
  local wal_before window_start
  wal_before="$(wal_now)"; window_start="$(date +%s.%N)"
  server_before="$(server_ticks)"; pg_ticks >"$OUT/pg-before.txt"
  result="$(BENCH_TENANT="$tenant" BENCH_PATCH_OFFSET=0 wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 10s -s "$BENCH_LUA/$script" "$URL$path" | tee -a "$OUT/wrk.txt" | grep '^RESULT' | tail -1)"
  server_after="$(server_ticks)"; pg_ticks >"$OUT/pg-after.txt"
  record_window "$label" "$window_start" "$wal_before"
  read -r _ rps p50 p99 non2xx errors <<<"$result"
  local requests server_ms pg_ms
  requests=$(awk -v r="$rps" -v d="$DURATION" 'BEGIN { printf "%d", r * d }')
  server_ms=$(awk -v a="$server_before" -v b="$server_after" -v n="$requests" -v hz="$clk_tck" 'BEGIN { if (n > 0) printf "%.2f", (b - a) * 1000 / hz / n; else print "–" }')
  pg_ms=$(pg_ms_per_request "$OUT/pg-before.txt" "$OUT/pg-after.txt" "$requests")
  local raw_text="" verdict="–"
  if [ -n "$raw" ]; then
    read -r raw_ops raw_p50 raw_p99 <<<"$("${TOOL[@]}" raw "$PG;Database=$DB" "$raw" "$TENANT" "$conns" "$DURATION")"
    raw_text="raw $raw_ops/s (API/raw $(awk -v a="$rps" -v b="$raw_ops" 'BEGIN { printf "%.3f", a / b }'))"
    raw_of["$label"]=$raw_ops
  fi
  rps_of["$label"]=$rps
  p99_of["$label"]=$p99
  if [ "$target" != "-" ]; then
    if awk -v p="$p99" -v t="$target" 'BEGIN { exit !(p < t) }' && [ "$non2xx" = 0 ] && [ "$errors" = 0 ]; then verdict="met"; else verdict="MISSED"; failed=1; fi
  fi
  rows+=("| $label | $conns | $rps | $p50 | $p99 | ${target} | $verdict | $non2xx / $errors | $server_ms | $pg_ms | $raw_text | $load |")
  log "$label: $rps req/s, P50 $p50 ms, P99 $p99 ms ($verdict), CPU ms/req server $server_ms, PostgreSQL $pg_ms $raw_text"
}

: >"$OUT/wrk.txt"
measure "empty endpoint GET /health/live (ceiling)" - "$CONNECTIONS" plain.lua /health/live
measure "GET /investigations/{id}" 100 "$CONNECTIONS" get.lua /investigations/inv-000000 get
measure "GET /investigations?page=1&page_size=20" 200 "$CONNECTIONS" plain.lua "/investigations?page=1&page_size=20" list
measure "GET /investigations?page=1&page_size=20 (tenant of 1k)" 200 "$CONNECTIONS" plain.lua "/investigations?page=1&page_size=20" "" "$SMALL_TENANT"
# The same two lists side by side in one window, half the connections each: the acceptance ratio (cost does not grow
# with the data) compares the tenants under the same conditions, where two rows ten seconds apart also compare
# whatever else the machine did in each (a checkpoint, an autovacuum, a GC in one window and not the other).
pair_label="GET /investigations?page=1&page_size=20, 100k and 1k side by side"
pair_result=""
if [[ "$pair_label" =~ $ROWS ]]; then
  half=$((CONNECTIONS / 2)); list_path="/investigations?page=1&page_size=20"
  side_by_side() { # <seconds> <output prefix>
    BENCH_TENANT="$TENANT" wrk -t1 -c"$half" -d"$1s" --timeout 10s -s "$BENCH_LUA/plain.lua" "$URL$list_path" >"$2-big.txt" 2>&1 & local big=$!
    BENCH_TENANT="$SMALL_TENANT" wrk -t1 -c"$half" -d"$1s" --timeout 10s -s "$BENCH_LUA/plain.lua" "$URL$list_path" >"$2-small.txt" 2>&1 & local small=$!
    wait "$big" "$small"
  }
  side_by_side "$WARMUP" "$OUT/pair-warmup"
  load="$(cut -d' ' -f1 /proc/loadavg)"; wal_before="$(wal_now)"; window_start="$(date +%s.%N)"
  side_by_side "$DURATION" "$OUT/pair"
  record_window "$pair_label" "$window_start" "$wal_before"
  read -r _ big_rps big_p50 big_p99 big_non2xx big_errors <<<"$(grep '^RESULT' "$OUT/pair-big.txt" | tail -1)"
  read -r _ small_rps small_p50 small_p99 small_non2xx small_errors <<<"$(grep '^RESULT' "$OUT/pair-small.txt" | tail -1)"
  pair_result="$big_rps $big_p99 $small_rps $small_p99"
  rows+=("| $pair_label: 100k | $half | $big_rps | $big_p50 | $big_p99 | 200 | – | $big_non2xx / $big_errors | | | | $load |")
  rows+=("| $pair_label: 1k | $half | $small_rps | $small_p50 | $small_p99 | 200 | – | $small_non2xx / $small_errors | | | | $load |")
  [ "$big_non2xx$big_errors$small_non2xx$small_errors" = 0000 ] || failed=1
  log "side by side: 100k $big_rps req/s P99 $big_p99 ms, 1k $small_rps req/s P99 $small_p99 ms"
fi
measure "GET /investigations?page=50&page_size=20" 200 "$CONNECTIONS" plain.lua "/investigations?page=50&page_size=20"
measure "GET /investigations/search?q=bench (matches all)" 500 "$CONNECTIONS" plain.lua "/investigations/search?q=bench"
measure "POST /investigations" 100 "$CONNECTIONS" post.lua /investigations
# The PATCH row sends version 1 (as a client's If-Match PATCH of what it read): ids an earlier run on this database
# (BENCH_REUSE) or this run's seeding already patched are put back to version 1 first, so none answers 409.
if [[ "PATCH /investigations/{id}" =~ $ROWS ]]; then
  bumped=$(psql_db -c "WITH r AS (UPDATE investigation_states SET version = 1 WHERE tenant_id = '$TENANT' AND investigation_id LIKE 'inv-______' AND version <> 1 RETURNING 1) SELECT count(*) FROM r")
  if [ "$bumped" != 0 ]; then
    log "PATCH: $bumped investigations put back to version 1 (patched by an earlier run)"
    psql_db -c "VACUUM ANALYZE investigation_states"
  fi
fi
measure "PATCH /investigations/{id}" 100 "$CONNECTIONS" patch.lua /investigations
measure "GET …/transaction-scores/distribution (1M)" 500 "$CONNECTIONS" plain.lua "/investigations/inv-scores/transaction-scores/distribution"
measure "GET …/transaction-scores?page=1 (1M)" 200 "$CONNECTIONS" plain.lua "/investigations/inv-scores/transaction-scores?page=1&page_size=20"
measure "GET /anomalies?page=1 (100k)" 200 "$CONNECTIONS" plain.lua "/anomalies?page=1&page_size=20"
# Similarity: every query once with exact: true and once on the default path, recall@10 of each against PostgreSQL's
# own exact ranking computed in the same run; P99 < 30 ms at concurrency 1 and recall ≥ 0.95 on both paths (issue 12).
similar_ok="not measured (BENCH_ROWS)"
if [[ "similar anomalies" =~ $ROWS ]]; then
log "similar anomalies: $SIMILAR_QUERIES queries ($ANOMALY_VECTORS vectors), exact and default path"
"${TOOL[@]}" similar "$URL/" "$TENANT" "$ANOMALY_VECTORS" "$SIMILAR_QUERIES" "$server_pid" "$PG;Database=$DB" | tee "$OUT/similar.md"
similar_ok=$(awk -F'|' '$3 ~ /^ *1 *$/ { gsub(/ /, "", $6); if ($6 + 0 >= 30) bad = 1; gsub(/ /, "", $7); if ($7 + 0 < 0.95) bad = 1 }
  END { print bad ? "MISSED" : "met" }' "$OUT/similar.md")
log "similar anomalies (P99 < 30 ms at c=1 on both paths, recall@10 >= 0.95): $similar_ok"
[ "$similar_ok" = met ] || failed=1
else
: >"$OUT/similar.md"
fi
# The two same-run ratios of issue 12's acceptance.
ratios=()
get_label="GET /investigations/{id}"
if [ -n "${rps_of[$get_label]:-}" ] && [ -n "${raw_of[$get_label]:-}" ]; then
  # The verdict compares the exact quotient, never the printed one (0.4955 printed as 0.50 passed once).
  ratio=$(awk -v a="${rps_of[$get_label]}" -v b="${raw_of[$get_label]}" 'BEGIN { printf "%.3f", a / b }')
  verdict=$(awk -v a="${rps_of[$get_label]}" -v b="${raw_of[$get_label]}" 'BEGIN { print (a >= 0.5 * b) ? "PASS" : "FAIL" }')
  [ "$verdict" = PASS ] || failed=1
  ratios+=("- GET /investigations/{id} throughput / raw Npgsql, same run: ${rps_of[$get_label]} / ${raw_of[$get_label]} = **$ratio** (at least 0.5): $verdict")
fi
big="GET /investigations?page=1&page_size=20"; small="$big (tenant of 1k)"
if [ -n "$pair_result" ]; then
  read -r big_rps big_p99 small_rps small_p99 <<<"$pair_result"
  ratio=$(awk -v a="$small_rps" -v b="$big_rps" 'BEGIN { printf "%.3f", a / b }')
  p99_ratio=$(awk -v a="$big_p99" -v b="$small_p99" 'BEGIN { printf "%.3f", a / b }')
  verdict=$(awk -v a="$small_rps" -v b="$big_rps" -v c="$big_p99" -v d="$small_p99" 'BEGIN { print (a <= 2 * b && c <= 2 * d) ? "PASS" : "FAIL" }')
  [ "$verdict" = PASS ] || failed=1
  ratios+=("- list page 1 at $INVESTIGATIONS against page 1 at $SMALL_INVESTIGATIONS, side by side in one window: req/s 1k / req/s 100k = **$ratio**, P99 100k / P99 1k = **$p99_ratio** (both at most 2): $verdict")
fi
if [ -n "${rps_of[$big]:-}" ] && [ -n "${rps_of[$small]:-}" ]; then
  ratio=$(awk -v a="${rps_of[$small]}" -v b="${rps_of[$big]}" 'BEGIN { printf "%.3f", a / b }')
  p99_ratio=$(awk -v a="${p99_of[$big]}" -v b="${p99_of[$small]}" 'BEGIN { printf "%.3f", a / b }')
  verdict=$(awk -v a="${rps_of[$small]}" -v b="${rps_of[$big]}" -v c="${p99_of[$big]}" -v d="${p99_of[$small]}" 'BEGIN { print (a <= 2 * b && c <= 2 * d) ? "PASS" : "FAIL" }')
  # With the side-by-side window measured, the two rows' ratio is shown for comparison and decides nothing.
  if [ -n "$pair_result" ]; then verdict="$verdict (not the verdict: two windows)"; else [ "$verdict" = PASS ] || failed=1; fi
  ratios+=("- list page 1 at $INVESTIGATIONS against page 1 at $SMALL_INVESTIGATIONS, two rows of $CONNECTIONS connections: req/s 1k / req/s 100k = **$ratio**, P99 100k / P99 1k = **$p99_ratio** (both at most 2): $verdict")
fi
{
  echo "## Run of $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $INVESTIGATIONS investigations, $SCORES scores, $ANOMALIES anomalies; ${DURATION}s per row"
  echo
  echo "| call | connections | req/s | P50 ms | P99 ms | P99 target ms | target | status ≥ 400 / socket errors | server CPU ms/req | PostgreSQL CPU ms/req | same-run ceiling | load avg (1 min) before |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  [ "${#ratios[@]}" = 0 ] || printf '%s\n' "${ratios[@]}"
  echo
  echo "Similar anomalies ($ANOMALY_VECTORS embeddings; target: P99 < 30 ms at concurrency 1 on both paths, recall@10 ≥ 0.95): $similar_ok"
  echo
  cat "$OUT/similar.md"
  if [ "${BENCH_DIAG:-1}" != 0 ]; then
    echo
    echo "What else happened in each row's window (BenchTool diagnose):"
    echo
    "${TOOL[@]}" diagnose "$OUT/windows.tsv" "$OUT/counters.csv" "$OUT/activity.txt"
  fi
} | tee "$OUT/summary.md"
[ "$failed" = 0 ] || { log "at least one target was missed"; exit 1; }
