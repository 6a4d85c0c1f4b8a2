#!/usr/bin/env bash
# The phased-migration write benchmark of issue 8 (docs/performance.md, "Migration phases: dual writes" and "Session 9:
# dual writes at a fixed offered rate"): the same write load against the same server build, first in
# MIGRATION_PHASE=postgres, then in MIGRATION_PHASE=dual with a second PostgreSQL database standing in for the secondary
# (SECONDARY_DATABASE_URL), and again in postgres and dual (ABAB, so a drift of the shared machine's load hits both
# phases). Each phase measures POST /investigations and PATCH /investigations/{id} twice:
#   - closed loop (wrk, 16 connections, saturating the cores): throughput — the capacity — and P50/P99, the CPU-seconds
#     per 1,000 writes of the server and of the PostgreSQL processes serving the primary and the secondary, and in dual
#     the relay's documents/s, the outbox lag and the drain time. The dual / postgres throughput ratio is reported as
#     dual's capacity cost; its P99 ratio is printed for reference only (at saturation it is the capacity ratio);
#   - at a fixed offered rate (BenchTool fixed-rate: open loop, each latency from the request's intended send time, so
#     a stall counts against every request due during it — coordinated omission corrected, as wrk2): one rate per
#     BENCH_RATE_FRACTIONS entry, that fraction of round 1's postgres closed-loop throughput of each write, the same
#     absolute rate in both phases and both rounds. Per phase and rate: offered and achieved rate, P50/P99/P99.9,
#     failures, the generator's own CPU, the server's and PostgreSQL's CPU per 1,000 writes, and in dual the relay's
#     documents/s and the outbox lag under that load.
# The verdict is the dual / postgres P99 ratio at each fixed rate, per write and round, against the target (<= 1.3x):
# PASS when every ratio meets it and no request failed; the exit status is 1 otherwise. With BENCH_RATE_FRACTIONS=""
# only the closed loop runs and its P99 ratios decide, as before session 9.
#
#   bench/phases.sh                                         the full run (~5 min of seeding-free measuring)
#   BENCH_DURATION=5 BENCH_INVESTIGATIONS=20000 bench/phases.sh    a smoke run
#   The server measured is the ReadyToRun publish scripts/run.sh runs (src/Olorin.Server/bin/ReadyToRun, published
#   again when a source is newer), the generator bench/BenchTool (built in Release); BENCH_SKIP_BUILD=1 uses the
#   binaries already built; BENCH_DB (the primary; the secondary is ${BENCH_DB}_secondary), BENCH_PORT,
#   BENCH_CONNECTIONS, BENCH_OUT as named; BENCH_RATE_FRACTIONS (default "0.25": on this machine dual's capacity is
#   0.54-0.72 of postgres's, so at 0.5 dual runs at 60-90% of its own capacity and its P99 is queueing again;
#   "0.25 0.5 0.75" shows the curve), BENCH_RATE_DURATION (whole seconds per fixed-rate write and phase, default 30:
#   the P99 of a 10-s window — 2,500 writes, decided by its 25 slowest — moved 8-23 ms between two rounds of the same
#   phase, of 30-s windows 8.3-10.3 ms, docs/performance.md "Session 10"; each after BENCH_RATE_WARMUP seconds of
#   warm-up at the same rate, default 2), BENCH_RATE_CONNECTIONS (most requests in flight, 64); BENCH_STALL_MS (100):
#   stalls.txt lists every stretch of a fixed-rate window slower than that, with what the machine and both clusters
#   were doing meanwhile (see start_diagnostics);
#   BENCH_SERVER_DLL runs another build (a copy of main's bin/ReadyToRun — or a plain bin/Release/net10.0 for the JIT —
#   set aside, to compare two builds in alternating runs; implies BENCH_SKIP_BUILD for the server), BENCH_TOOL_DLL
#   another BenchTool.
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
# BENCH_SECONDARY_PORT: the secondary's database in another PostgreSQL cluster of this machine (its own WAL, WAL
# writer and checkpointer, as a secondary on its own server has; e.g. one made by OLORIN_PG_CLUSTER=secondary
# scripts/provision-postgres.sh); by default a second database of the primary's cluster.
# Unset, the secondary uses the primary's settings as given (BENCH_PG, BENCH_PSQL_URL with whatever port they name).
SECONDARY_PG="$PG"
SECONDARY_PSQL_URL="$PSQL_URL"
if [ -n "${BENCH_SECONDARY_PORT:-}" ]; then
  SECONDARY_PG="$(sed -E "s/(^|;)Port=[0-9]+/\1Port=$BENCH_SECONDARY_PORT/" <<<"$PG")"
  [[ "$SECONDARY_PG" == *"Port=$BENCH_SECONDARY_PORT"* ]] || SECONDARY_PG="$PG;Port=$BENCH_SECONDARY_PORT"
  if [[ "$PSQL_URL" =~ :[0-9]+$ ]]; then SECONDARY_PSQL_URL="${PSQL_URL%:*}:$BENCH_SECONDARY_PORT"; else SECONDARY_PSQL_URL="$PSQL_URL:$BENCH_SECONDARY_PORT"; fi
fi
# BENCH_SECONDARY_NICE (with BENCH_SECONDARY_PORT): the secondary's cluster runs at that nice value (e.g. 19) for the
# run — its processes and the backends it forks later — so its CPU comes from what the server, the primary and the
# generator leave, as a secondary on its own machine (production's MongoDB) takes none of theirs; set back to 0 at the
# end (which needs root, or the cluster's processes stay niced). Unset, it competes with them as an equal.
SECONDARY_NICE="${BENCH_SECONDARY_NICE:-}"
if [ -n "$SECONDARY_NICE" ] && [ -z "${BENCH_SECONDARY_PORT:-}" ]; then
  echo "[bench] BENCH_SECONDARY_NICE needs the secondary in its own cluster (BENCH_SECONDARY_PORT)" >&2
  exit 2
fi
INVESTIGATIONS="${BENCH_INVESTIGATIONS:-200000}"
DURATION="${BENCH_DURATION:-15}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
THREADS=2
# "${VAR-default}": an empty BENCH_RATE_FRACTIONS means no fixed-rate measurement.
read -r -a FRACTIONS <<<"${BENCH_RATE_FRACTIONS-0.25}"
RATE_DURATION="${BENCH_RATE_DURATION:-30}"
# BENCH_CAPACITY="<POST/s> <PATCH/s>": the capacity the fractions are taken of, instead of round 1's closed loop — the
# same absolute rates as an earlier run (session 10 and 11's round 1: "1108 972"), whatever this run's round 1 measured.
CAPACITY="${BENCH_CAPACITY:-}"
if [ -n "$CAPACITY" ] && ! [[ "$CAPACITY" =~ ^[0-9]+(\.[0-9]+)?\ [0-9]+(\.[0-9]+)?$ ]]; then
  echo "[bench] BENCH_CAPACITY must be two rates, POST/s and PATCH/s, e.g. \"1108 972\"" >&2
  exit 2
fi
# BENCH_RATE_WARMUP: seconds each generator runs at its rate before its window is measured (default 2).
RATE_WARMUP="${BENCH_RATE_WARMUP:-2}"
[[ "$RATE_WARMUP" =~ ^[0-9]+$ ]] || { echo "[bench] BENCH_RATE_WARMUP must be whole seconds" >&2; exit 2; }
RATE_CONNECTIONS="${BENCH_RATE_CONNECTIONS:-64}"
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
TOOL_DLL="${BENCH_TOOL_DLL:-$REPO/bench/BenchTool/bin/Release/net10.0/BenchTool.dll}"
if [ "${#FRACTIONS[@]}" -gt 0 ] && [ -z "${BENCH_TOOL_DLL:-}" ] && { [ -z "${BENCH_SKIP_BUILD:-}" ] || [ ! -f "$TOOL_DLL" ]; }; then
  log "building bench/BenchTool (Release)"
  dotnet build "$REPO/bench/BenchTool/BenchTool.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >"$OUT/tool-build.log" 2>&1 \
    || { cat "$OUT/tool-build.log" >&2; log "BenchTool's build failed"; exit 2; }
fi

psql "$PSQL_URL/postgres" -qAt -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
psql "$SECONDARY_PSQL_URL/postgres" -qAt -c "DROP DATABASE IF EXISTS $SECONDARY_DB WITH (FORCE)" -c "CREATE DATABASE $SECONDARY_DB"
# nice_cluster <port> <nice>: the PostgreSQL cluster listening on that port (its postmaster, so every backend it forks
# from now on, and the processes it already has) at that nice value.
nice_cluster() {
  local postmaster
  postmaster="$(ss -Hltnp "sport = :$1" | grep -oE 'pid=[0-9]+' | head -1 | cut -d= -f2)"
  [ -n "$postmaster" ] || { log "no PostgreSQL cluster listening on port $1 (or ss shows no owner: run as its owner or root)"; return 1; }
  # shellcheck disable=SC2046
  renice -n "$2" -p "$postmaster" $(pgrep -P "$postmaster") >/dev/null
}
diag_pids=() # the stall diagnostics' samplers (start_diagnostics)
stop_diagnostics() { [ "${#diag_pids[@]}" -gt 0 ] && kill "${diag_pids[@]}" 2>/dev/null; diag_pids=(); true; }
cleanup() {
  [ -n "$SECONDARY_NICE" ] && { nice_cluster "$BENCH_SECONDARY_PORT" 0 || true; }
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "${sampler_pid:-}" ] && kill "$sampler_pid" 2>/dev/null || true
  stop_diagnostics
  if [ -z "${BENCH_KEEP:-}" ]; then
    psql "$PSQL_URL/postgres" -qAt -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    psql "$SECONDARY_PSQL_URL/postgres" -qAt -c "DROP DATABASE IF EXISTS $SECONDARY_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
if [ -n "$SECONDARY_NICE" ]; then
  nice_cluster "$BENCH_SECONDARY_PORT" "$SECONDARY_NICE" || exit 2
  log "the secondary's cluster (port $BENCH_SECONDARY_PORT) runs at nice $SECONDARY_NICE"
fi

# start_server <phase>: the server in that phase (the secondary only in dual), waiting until it answers.
start_server() {
  local phase="$1" secondary=()
  [ "$phase" = dual ] && secondary=("SECONDARY_DATABASE_URL=$SECONDARY_PG;Database=$SECONDARY_DB")
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
# pg_ticks <db> [psql url]: "pid cpu-ticks" of every PostgreSQL process attached to that database (the server's pooled
# connections, autovacuum workers); pg_cpu_delta <before> <after>: the CPU-seconds they used in between (a process
# that exited in between is not counted: the server's pool keeps its connections for the run). A backend that ends
# while it is read (an autovacuum worker) or a refused psql (the shared cluster out of connections) must not end the run.
pg_ticks() {
  local pids pid
  pids=$(psql "${2:-$PSQL_URL}/postgres" -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$1'") \
    || { log "pg_ticks: psql refused; PostgreSQL CPU of $1 not sampled"; return 0; }
  for pid in $pids; do
    if [ -r "/proc/$pid/stat" ]; then awk -v p="$pid" '{ print p, $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true; fi
  done
}
pg_cpu_delta() { awk 'FILENAME == ARGV[1] { b[$1] = $2; next } { s += $2 - ($1 in b ? b[$1] : 0) } END { printf "%.2f", s / 100 }' "$1" "$2"; }
migration() { curl -fs "$URL/status/migration"; }
now() { date +%s.%N; }
# busy_jiffies: hundredths of a CPU-second the whole machine has been busy (user, nice, system, irq, softirq, steal of
# /proc/stat's aggregate line), read with builtins only (the stall sampler calls it every 0.1 s without forking);
# busy_seconds: the same in CPU-seconds.
busy_jiffies() { local u n s i si st; read -r _ u n s _ _ i si st _ </proc/stat; echo $((u + n + s + i + si + st)); }
busy_seconds() { awk -v j="$(busy_jiffies)" 'BEGIN { printf "%.2f", j / 100 }'; }
# per_k <cpu seconds> <writes>: CPU-seconds per 1,000 writes.
per_k() { awk -v c="$1" -v w="$2" 'BEGIN { printf "%.2f", (w > 0 ? c * 1000 / w : 0) }'; }
# drain_outbox: waits (up to 120 s) until the outbox is empty and prints how long that took.
drain_outbox() {
  local started; started=$(now)
  for _ in $(seq 1 600); do [ "$(migration | jq '.outbox.depth // 0')" = 0 ] && break; sleep 0.2; done
  awk -v s="$started" -v e="$(now)" 'BEGIN { printf "%.1f s", e - s }'
}
# settle: waits (up to 20 s) until the server has used less than 0.05 CPU-s in a second — after a closed loop its
# tiered JIT and GC go on for ~3 s (~2 CPU-s on this machine), which would land in the next fixed-rate window.
settle() {
  local before after
  for _ in $(seq 1 20); do
    before="$(cpu_seconds)"; sleep 1; after="$(cpu_seconds)"
    awk -v a="$before" -v b="$after" 'BEGIN { exit !(b - a < 0.05) }' && break
  done
  true
}
# quiet_machine: waits (up to 120 s) until the whole machine has been busy less than 0.3 cores over 2 s. Round 1's
# closed loop sets every fixed rate of the run: measured right after the server's publish and the seeding (PostgreSQL
# still writing the seeded rows out, autovacuum analysing them) it read 800 POST/s where the machine does 1,100, and the
# run's fractions were fractions of the wrong capacity (docs/performance.md, "Session 11").
quiet_machine() {
  local before after
  for _ in $(seq 1 60); do
    before="$(busy_seconds)"; sleep 2; after="$(busy_seconds)"
    awk -v a="$before" -v b="$after" 'BEGIN { exit !((b - a) / 2 < 0.3) }' && return 0
  done
  log "the machine stayed busy (>= 0.3 cores) for 120 s; measuring anyway"
}
# The outbox sampler writes "<epoch s> <outbox depth> <oldest entry's age s>" once a second, in every phase: one psql
# session running one count over change_outbox (empty in postgres), so the benchmark's own sampling costs both phases
# the same. (Until session 10 it ran in dual only, as curl + jq of /status/migration every second — a process pair and
# the status page's queries on both databases, a burst every second that postgres never had, inside the windows.)
# lag_between <from> <to>: depth and oldest age over the samples in that window. The relay's documents per second come
# from /status/migration's applied counter read just before and just after a window (outside it).
lag_between() {
  awk -v f="$1" -v t="$2" '$1 >= f && $1 <= t { n++; sd += $2; sa += $3; if ($2 > md) md = $2; if ($3 > ma) ma = $3 }
    END { if (n == 0) { print "–"; exit } printf "depth mean %.0f max %d; oldest mean %.2f s max %.2f s", sd / n, md, sa / n, ma }' "$lag_file"
}

# The fixed-rate PATCHes patch ids of their own ("fix-0000000" …, version 1), each run the next unused range. How many:
# a closed-loop PATCH run may patch up to a quarter of the "inv-" ids (two wrk threads, an eighth each), so one at a
# fraction f of round 1's closed-loop rate for RATE_WARMUP + RATE_DURATION seconds needs at most
# f * INVESTIGATIONS / 4 * (RATE_WARMUP + RATE_DURATION) / DURATION; four phases, every fraction. A run that would
# need more stops the script (exit 2) rather than be refused with 409s.
sum_fractions=$(printf '%s\n' "${FRACTIONS[@]}" | awk '{ s += $1 } END { print s + 0 }')
FIX_IDS=$(awk -v s="$sum_fractions" -v n="$INVESTIGATIONS" -v w="$RATE_WARMUP" -v r="$RATE_DURATION" -v d="$DURATION" \
  'BEGIN { x = s * n * (w + r) / d; printf "%d", x == int(x) ? x : int(x) + 1 }')

# Seeding (postgres phase, so nothing is captured): one investigation through the API, copied in SQL, as bench/run.sh.
start_server postgres
hdr=(-H "X-Tenant-Id: $TENANT" -H "X-User-Id: bench" -H "Content-Type: application/json")
log "seeding $INVESTIGATIONS investigations for the closed-loop PATCH runs and $FIX_IDS for the fixed-rate ones"
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
  EXECUTE format('INSERT INTO investigation_states (investigation_id, created_at, updated_at, %s)
                  SELECT ''fix-'' || lpad(g::text, 7, ''0''), now(), now(), %s
                  FROM investigation_states, generate_series(0, $FIX_IDS - 1) AS g
                  WHERE tenant_id = ''$TENANT'' AND investigation_id = ''inv-template''', cols, cols);
END \$\$;
SQL
psql "$PSQL_URL/$DB" -qAt -c "VACUUM ANALYZE" >/dev/null
stop_server

rows=()
rate_rows=()
cost_rows=()
declare -A p99 rps rate_post rate_patch fixed_p99 fixed_failed
# PATCH slices: each closed-loop run patches ids no earlier run touched (version 1 stays valid).
slice=0
fix_next=0
max_others=0
lag_file=

# fixed <write> <requests/s> <histogram file> [options…]: the FIXED line of one BenchTool fixed-rate run (its readable
# summary goes to fixed.log). The generator shares the cores with what it measures: without tiered compilation (each
# method compiled once, optimised, in the warm-up, instead of recompiled during the window) and with idle thread-pool
# workers that block instead of spinning, its CPU in the window is lower (each setting alone roughly halved it:
# docs/performance.md, "Session 9").
fixed() {
  local write="$1" rate="$2" histogram="$3"; shift 3
  echo "# $write at $rate/s" >>"$OUT/fixed.log"
  DOTNET_TieredCompilation=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 dotnet "$TOOL_DLL" fixed-rate "$URL" "$TENANT" "$write" "$rate" "$RATE_DURATION" --warmup "$RATE_WARMUP" \
    --max-connections "$RATE_CONNECTIONS" --histogram "$histogram" --timeline "${histogram%.hgrm}.timeline" "$@" 2>>"$OUT/fixed.log" | grep '^FIXED'
}

# The stall diagnostics, running through every phase (cheap: no process is forked per sample):
#   pressure-<round>-<phase>.txt  every 0.1 s: "<epoch s> <CPU-pressure 'some' total µs> <busy jiffies>"
#     (/proc/pressure/cpu: time some runnable task waited for a core; /proc/stat's aggregate line);
#   activity-<round>-<phase>.txt  every 0.2 s, per cluster: "<epoch>|<primary|secondary>|<backend type>|<wait or CPU>|
#     <autovacuum's table>" of the benchmark database's active backends, the checkpointer and autovacuum workers
#     (bench/activity.sql, as bench/run.sh samples them).
# stalls_in <timeline> <round> <phase>: each run of 100-ms slots of a fixed-rate window whose slowest request took over
# BENCH_STALL_MS (100), with what those samples saw from its first slot to the end of its slowest request: CPU pressure
# (share of that time some task waited for a core), machine busy (cores), and what each cluster's sampled backends were
# doing (CPU or a wait event), autovacuum workers with their table, the checkpointer unless idle. Into stalls.txt.
STALL_MS="${BENCH_STALL_MS:-100}"
start_diagnostics() {
  local round="$1" phase="$2"
  local pressure="$OUT/pressure-$round-$phase.txt"
  (
    local tick some
    exec {tick}<> <(:) # read -t on a pipe nobody writes: a 0.1-s sleep without forking sleep(1)
    while :; do
      read -r _ _ _ _ some <"/proc/pressure/cpu"
      printf '%s %s ' "$EPOCHREALTIME" "${some#total=}"; busy_jiffies # a function call, not $(…): no fork
      read -rt 0.1 -u "$tick" _ || true
    done
  ) >"$pressure" 2>/dev/null &
  diag_pids+=($!)
  local cluster url db
  for cluster in primary secondary; do
    url="$PSQL_URL"; db="$DB"
    [ "$cluster" = secondary ] && { url="$SECONDARY_PSQL_URL"; db="$SECONDARY_DB"; }
    # bench/activity.sql's lines with the cluster after the time (sed: one process per cluster, not per sample).
    psql "$url/$db" -qAt -F'|' -f "$REPO/bench/activity.sql" 2>/dev/null | sed -u "s/|/|$cluster|/" >>"$OUT/activity-$round-$phase.txt" &
    diag_pids+=($!)
  done
}
stalls_in() {
  local timeline="$1" round="$2" phase="$3"
  awk -v limit="$STALL_MS" -v label="$(basename "$timeline" .timeline)" '
    FILENAME == ARGV[1] {
      if ($3 <= limit) { open = 0; next }
      if (!open) { n++; at[n] = $1; into[n] = $2; ms[n] = 0; open = 1 }
      last[n] = $1; if ($3 > ms[n]) { ms[n] = $3; worst[n] = $1 }
      next
    }
    FILENAME == ARGV[2] { m++; pt[m] = $1; ps[m] = $2; pb[m] = $3; next }
    { split($0, f, "|"); a++; atime[a] = f[1]
      what[a] = f[2] " " (f[3] == "autovacuum worker" ? "autovacuum " f[5] : f[3] == "checkpointer" ? "checkpointer " f[4] : "backend " f[4]) }
    END {
      for (k = 1; k <= n; k++) {
        # From the first slot due to the end of its slowest request, at least half a second.
        t0 = at[k]; t1 = worst[k] + 0.1 + ms[k] / 1000; if (last[k] + 0.1 > t1) t1 = last[k] + 0.1; if (t1 - t0 < 0.5) t0 = t1 - 0.5
        s0 = s1 = b0 = b1 = ""; t0s = t1s = 0
        for (j = 1; j <= m; j++) { if (pt[j] <= t0) { s0 = ps[j]; b0 = pb[j]; t0s = pt[j] } if (pt[j] <= t1) { s1 = ps[j]; b1 = pb[j]; t1s = pt[j] } }
        pressure = (s0 == "" || t1s <= t0s) ? "–" : sprintf("%.0f%%", (s1 - s0) / 1e6 / (t1s - t0s) * 100)
        busy = (b0 == "" || t1s <= t0s) ? "–" : sprintf("%.2f", (b1 - b0) / 100 / (t1s - t0s))
        delete seen; seen_list = ""
        for (j = 1; j <= a; j++) if (atime[j] > t0 && atime[j] <= t1 && what[j] !~ /checkpointer Activity:CheckpointerMain$/) {
          if (!(what[j] in seen)) { seen[what[j]] = 1; seen_list = seen_list (seen_list == "" ? "" : "; ") what[j] }
        }
        printf "%s +%ss to +%.1fs: slowest %s ms; over %.1f s: CPU pressure %s, busy %s cores; %s\n", label, into[k], into[k] + last[k] - at[k], ms[k], t1 - t0, pressure, busy, (seen_list == "" ? "nothing sampled" : seen_list)
      }
    }' "$timeline" "$OUT/pressure-$round-$phase.txt" "$OUT/activity-$round-$phase.txt"
}

# fixed_rate <phase> <round> <fraction>: POST then PATCH at that fraction's rates, with the server's and PostgreSQL's
# CPU over both and, in dual, the relay's documents/s and the outbox lag from the end of POST's warm-up on.
fixed_rate() {
  local phase="$1" round="$2" f="$3"
  local post_rate="${rate_post[$f]}" patch_rate="${rate_patch[$f]}"
  local need; need=$(awk -v r="$patch_rate" -v w="$RATE_WARMUP" -v d="$RATE_DURATION" 'BEGIN { printf "%d", r * (w + d) + 2 }')
  if [ $((fix_next + need)) -gt "$FIX_IDS" ]; then
    log "the fixed-rate PATCH at $patch_rate/s needs $need more seeded ids than the $FIX_IDS seeded; raise BENCH_INVESTIGATIONS"
    exit 2
  fi
  [ "$phase" = dual ] && drain_outbox >/dev/null # steady state: the previous load's entries applied first
  settle
  local applied_before=0
  [ "$phase" = dual ] && applied_before="$(migration | jq '.outbox.applied')"
  local load cpu_before cpu_after started ended post patch
  load="$(cut -d' ' -f1 /proc/loadavg)"
  cpu_before="$(cpu_seconds)"
  pg_ticks "$DB" >"$OUT/pg-primary-before"; pg_ticks "$SECONDARY_DB" "$SECONDARY_PSQL_URL" >"$OUT/pg-secondary-before"
  busy_before="$(busy_seconds)"
  started=$(now)
  post="$(fixed post "$post_rate" "$OUT/fixed-$round-$phase-$f-post.hgrm")" \
    || { log "BenchTool fixed-rate failed; see $OUT/fixed.log"; exit 2; }
  patch="$(fixed patch "$patch_rate" "$OUT/fixed-$round-$phase-$f-patch.hgrm" --id-prefix fix- --first-id "$fix_next")" \
    || { log "BenchTool fixed-rate failed; see $OUT/fixed.log"; exit 2; }
  ended=$(now)
  busy_after="$(busy_seconds)"
  cpu_after="$(cpu_seconds)"
  pg_ticks "$DB" >"$OUT/pg-primary-after"; pg_ticks "$SECONDARY_DB" "$SECONDARY_PSQL_URL" >"$OUT/pg-secondary-after"
  local _o post_achieved post_p50 post_p99 post_p999 post_max _n post_sent post_bad post_err _c post_gen post_late _i
  local patch_achieved patch_p50 patch_p99 patch_p999 patch_max patch_sent patch_bad patch_err patch_gen patch_late
  read -r _ _o post_achieved post_p50 post_p99 post_p999 post_max _n post_sent post_bad post_err _c post_gen post_late _i <<<"$post"
  read -r _ _o patch_achieved patch_p50 patch_p99 patch_p999 patch_max _n patch_sent patch_bad patch_err _c patch_gen patch_late _i <<<"$patch"
  fix_next=$((fix_next + patch_sent))
  local writes=$((post_sent + patch_sent))
  local server_cpu primary_cpu secondary_cpu cpu_per_k pg_primary pg_secondary others
  server_cpu=$(awk -v a="$cpu_before" -v b="$cpu_after" 'BEGIN { print b - a }')
  primary_cpu=$(pg_cpu_delta "$OUT/pg-primary-before" "$OUT/pg-primary-after")
  secondary_cpu=$(pg_cpu_delta "$OUT/pg-secondary-before" "$OUT/pg-secondary-after")
  cpu_per_k=$(per_k "$server_cpu" "$writes")
  pg_primary=$(per_k "$primary_cpu" "$writes")
  pg_secondary=$(per_k "$secondary_cpu" "$writes")
  # Everything else the machine did meanwhile, in cores: other sessions' builds and tests, PostgreSQL's background
  # processes, the kernel's loopback networking (the generator's CPU counted from its share over its whole run).
  others=$(awk -v b0="$busy_before" -v b1="$busy_after" -v s="$server_cpu" -v p="$primary_cpu" -v q="$secondary_cpu" \
    -v g1="$post_gen" -v g2="$patch_gen" -v t="$((RATE_WARMUP + RATE_DURATION))" -v w0="$started" -v w1="$ended" \
    'BEGIN { o = (b1 - b0 - s - p - q - (g1 + g2) / 100 * t) / (w1 - w0); printf "%.2f", (o < 0 ? 0 : o) }')
  max_others=$(awk -v a="$max_others" -v b="$others" 'BEGIN { print (b > a ? b : a) }')
  local relay="–" lag="–" drain="–"
  if [ "$phase" = dual ]; then
    local from applied_after; from=$(awk -v s="$started" -v w="$RATE_WARMUP" 'BEGIN { printf "%.3f", s + w }')
    applied_after="$(migration | jq '.outbox.applied')"
    # Over the whole run of both writes, their warm-ups included (the same rates).
    relay=$(awk -v a="$applied_before" -v b="$applied_after" -v s="$started" -v e="$ended" 'BEGIN { printf "%.0f", (b - a) / (e - s) }')
    lag=$(lag_between "$from" "$ended")
    drain=$(drain_outbox)
  fi
  rate_rows+=("| $round | $phase | $f | POST | $post_rate | $post_achieved | $post_p50 | $post_p99 | $post_p999 | $post_max | $post_bad / $post_err | $post_gen | $post_late | $load |")
  rate_rows+=("| $round | $phase | $f | PATCH | $patch_rate | $patch_achieved | $patch_p50 | $patch_p99 | $patch_p999 | $patch_max | $patch_bad / $patch_err | $patch_gen | $patch_late | $load |")
  cost_rows+=("| $round | $phase | $f | $cpu_per_k | $pg_primary | $pg_secondary | $relay | $lag | $drain | $others |")
  local w
  for w in post patch; do
    stalls_in "$OUT/fixed-$round-$phase-$f-$w.timeline" "$round" "$phase" >>"$OUT/stalls.txt" || true
  done
  fixed_p99["$phase-$round-$f-post"]=$post_p99
  fixed_p99["$phase-$round-$f-patch"]=$patch_p99
  fixed_failed["$phase-$round-$f-post"]=$((post_bad + post_err))
  fixed_failed["$phase-$round-$f-patch"]=$((patch_bad + patch_err))
  log "round $round $phase at $f of capacity: POST $post_rate/s offered, $post_achieved/s achieved, P99 $post_p99 ms; PATCH $patch_rate/s offered, $patch_achieved/s achieved, P99 $patch_p99 ms; failed $((post_bad + post_err + patch_bad + patch_err)); server CPU $cpu_per_k s per 1000 writes; relay $relay docs/s; lag $lag; other processes $others cores"
}

# measure <phase> <round>: the closed loop, then every fixed rate, in one server process.
measure() {
  local phase="$1" round="$2"
  start_server "$phase"
  # Steady state: whatever an earlier round left in the outbox is applied before the load starts.
  [ "$phase" = dual ] && drain_outbox >/dev/null
  lag_file="$OUT/lag-$round-$phase.txt"
  : >"$lag_file"
  psql "$PSQL_URL/$DB" -qAt -F' ' >>"$lag_file" 2>/dev/null <<'SQL' &
SELECT extract(epoch FROM clock_timestamp()), count(*), coalesce(extract(epoch FROM clock_timestamp() - min(changed_at)), 0)
FROM change_outbox \watch 1
SQL
  sampler_pid=$!
  start_diagnostics "$round" "$phase"
  quiet_machine
  local applied_before=0
  [ "$phase" = dual ] && applied_before="$(migration | jq '.outbox.applied')"
  # warm-up
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$BENCH_LUA/post.lua" "$URL/investigations" >/dev/null 2>&1 || true
  local load cpu_before cpu_after post patch
  load="$(cut -d' ' -f1 /proc/loadavg)"
  cpu_before="$(cpu_seconds)"
  pg_ticks "$DB" >"$OUT/pg-primary-before"; pg_ticks "$SECONDARY_DB" "$SECONDARY_PSQL_URL" >"$OUT/pg-secondary-before"
  local started; started=$(now)
  post="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$BENCH_LUA/post.lua" "$URL/investigations" | tee -a "$OUT/wrk.txt" | grep '^RESULT' | tail -1)"
  patch="$(BENCH_PATCH_OFFSET=$((slice * INVESTIGATIONS / 8)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$BENCH_LUA/patch.lua" "$URL/investigations" | tee -a "$OUT/wrk.txt" | grep '^RESULT' | tail -1)"
  local ended; ended=$(now)
  local elapsed; elapsed=$(awk -v s="$started" -v e="$ended" 'BEGIN { print e - s }')
  slice=$((slice + 1))
  cpu_after="$(cpu_seconds)"
  pg_ticks "$DB" >"$OUT/pg-primary-after"; pg_ticks "$SECONDARY_DB" "$SECONDARY_PSQL_URL" >"$OUT/pg-secondary-after"
  read -r _ post_rps post_p50 post_p99 post_bad post_err <<<"$post"
  read -r _ patch_rps patch_p50 patch_p99 patch_bad patch_err <<<"$patch"
  local writes; writes=$(awk -v a="$post_rps" -v b="$patch_rps" -v d="$DURATION" 'BEGIN { printf "%d", (a + b) * d }')
  local cpu_per_k; cpu_per_k=$(per_k "$(awk -v a="$cpu_before" -v b="$cpu_after" 'BEGIN { print b - a }')" "$writes")
  local pg_primary pg_secondary
  pg_primary=$(per_k "$(pg_cpu_delta "$OUT/pg-primary-before" "$OUT/pg-primary-after")" "$writes")
  pg_secondary=$(per_k "$(pg_cpu_delta "$OUT/pg-secondary-before" "$OUT/pg-secondary-after")" "$writes")
  local relay="–" lag="–" drain="–"
  if [ "$phase" = dual ]; then
    local applied_after; applied_after="$(migration | jq '.outbox.applied')"
    relay=$(awk -v a="$applied_before" -v b="$applied_after" -v t="$elapsed" 'BEGIN { printf "%.0f", (b - a) / t }')
    # Steady state: the second half of the closed-loop window.
    lag=$(lag_between "$(awk -v s="$started" -v t="$elapsed" 'BEGIN { printf "%.3f", s + t / 2 }')" "$ended")
    drain=$(drain_outbox)
  fi
  p99["$phase-$round-post"]=$post_p99
  p99["$phase-$round-patch"]=$patch_p99
  rps["$phase-$round-post"]=$post_rps
  rps["$phase-$round-patch"]=$patch_rps
  rows+=("| $round | $phase | $post_rps | $post_p50 | $post_p99 | $patch_rps | $patch_p50 | $patch_p99 | $((post_bad + patch_bad)) / $((post_err + patch_err)) | $cpu_per_k | $pg_primary | $pg_secondary | $relay | $lag | $drain | $load |")
  log "round $round $phase, closed loop: POST $post_rps/s P99 $post_p99 ms; PATCH $patch_rps/s P99 $patch_p99 ms; CPU $cpu_per_k s per 1000 writes (PostgreSQL: primary $pg_primary, secondary $pg_secondary); relay $relay docs/s; lag $lag; drain $drain"

  # The fixed rates: fractions of round 1's postgres capacity (or of BENCH_CAPACITY), the same absolute rates in every
  # later phase.
  if [ "$phase" = postgres ] && [ "$round" = 1 ]; then
    local capacity_post="$post_rps" capacity_patch="$patch_rps"
    [ -n "$CAPACITY" ] && read -r capacity_post capacity_patch <<<"$CAPACITY"
    for f in "${FRACTIONS[@]}"; do
      rate_post[$f]=$(awk -v f="$f" -v c="$capacity_post" 'BEGIN { r = f * c; printf "%.0f", (r < 1 ? 1 : r) }')
      rate_patch[$f]=$(awk -v f="$f" -v c="$capacity_patch" 'BEGIN { r = f * c; printf "%.0f", (r < 1 ? 1 : r) }')
    done
  fi
  for f in "${FRACTIONS[@]}"; do fixed_rate "$phase" "$round" "$f"; done

  kill "$sampler_pid" 2>/dev/null || true; sampler_pid=
  stop_diagnostics
  stop_server
}

: >"$OUT/wrk.txt"
: >"$OUT/fixed.log"
: >"$OUT/stalls.txt"
for round in 1 2; do
  measure postgres "$round"
  measure dual "$round"
done

# The verdict: the P99 ratio at every fixed rate (or, with no fixed rate, the closed loop's, as before session 9).
failed=0
capacity=()
verdicts=()
for round in 1 2; do
  for op in post patch; do
    cap=$(awk -v d="${rps[dual-$round-$op]}" -v p="${rps[postgres-$round-$op]}" 'BEGIN { printf "%.2f", d / p }')
    ratio=$(awk -v d="${p99[dual-$round-$op]}" -v p="${p99[postgres-$round-$op]}" 'BEGIN { printf "%.2f", d / p }')
    capacity+=("| $round | $op | ${rps[postgres-$round-$op]} | ${rps[dual-$round-$op]} | $cap | ${p99[postgres-$round-$op]} | ${p99[dual-$round-$op]} | $ratio |")
    if [ "${#FRACTIONS[@]}" = 0 ]; then
      verdict=PASS; awk -v d="${p99[dual-$round-$op]}" -v p="${p99[postgres-$round-$op]}" 'BEGIN { exit !(d <= 1.3 * p) }' || { verdict=FAIL; failed=1; }
      verdicts+=("| $round | $op | closed loop | – | ${p99[postgres-$round-$op]} | ${p99[dual-$round-$op]} | $ratio | $verdict |")
    fi
  done
done
for f in "${FRACTIONS[@]}"; do
  for round in 1 2; do
    for op in post patch; do
      key="$round-$f-$op"
      ratio=$(awk -v d="${fixed_p99[dual-$key]}" -v p="${fixed_p99[postgres-$key]}" 'BEGIN { printf "%.3f", d / p }')
      verdict=PASS
      # The exact quotient decides, never the printed one.
      awk -v d="${fixed_p99[dual-$key]}" -v p="${fixed_p99[postgres-$key]}" 'BEGIN { exit !(d <= 1.3 * p) }' || verdict=FAIL
      [ $((${fixed_failed[postgres-$key]} + ${fixed_failed[dual-$key]})) = 0 ] || verdict="FAIL (failed requests)"
      [ "$verdict" = PASS ] || failed=1
      rate=${rate_post[$f]}; [ "$op" = patch ] && rate=${rate_patch[$f]}
      verdicts+=("| $round | $op | $f | $rate | ${fixed_p99[postgres-$key]} | ${fixed_p99[dual-$key]} | $ratio | $verdict |")
    done
  done
done

{
  echo "## Run of $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $INVESTIGATIONS investigations; closed loop: $CONNECTIONS connections, ${DURATION}s per write and phase; fixed rates: ${FRACTIONS[*]:-none} of ${CAPACITY:+BENCH_CAPACITY=$CAPACITY, not }round 1's postgres throughput, ${RATE_DURATION}s per write and phase after ${RATE_WARMUP}s of warm-up"
  echo
  echo "### Closed loop (wrk: capacity)"
  echo
  echo "| round | phase | POST/s | POST P50 ms | POST P99 ms | PATCH/s | PATCH P50 ms | PATCH P99 ms | status ≥ 400 / socket errors | server CPU s per 1000 writes | PostgreSQL CPU s per 1000 writes, primary | … secondary | relay docs/s | outbox lag under load | drain after load | load avg (1 min) before |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "| round | write | postgres /s | dual /s | capacity dual / postgres | postgres P99 ms | dual P99 ms | P99 dual / postgres at saturation (reference) |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${capacity[@]}"
  if [ "${#FRACTIONS[@]}" -gt 0 ]; then
    echo
    echo "### Fixed offered rate (BenchTool fixed-rate: open loop, latency from each request's intended send time)"
    echo
    echo "| round | phase | fraction | write | offered /s | achieved /s | P50 ms | P99 ms | P99.9 ms | max ms | non-2xx / socket errors | generator CPU % of a core | sent late, P99 ms | load avg (1 min) before |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${rate_rows[@]}"
    echo
    echo "| round | phase | fraction | server CPU s per 1000 writes | PostgreSQL CPU s per 1000 writes, primary | … secondary | relay docs/s | outbox lag under load | drain after load | other processes, cores |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${cost_rows[@]}"
  fi
  echo
  echo "| round | write | fraction | offered /s | postgres P99 ms | dual P99 ms | dual / postgres | target ≤ 1.3× |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${verdicts[@]}"
  echo
  if [ "$failed" = 0 ]; then echo "Verdict: PASS"; else echo "Verdict: FAIL"; fi
  if awk -v o="$max_others" 'BEGIN { exit !(o > 0.5) }'; then
    echo
    echo "Other processes used up to $max_others of the $(nproc) cores during a fixed-rate window: the latencies measured here say as much about them as about the phases. Not a decision on the target."
  fi
} | tee "$OUT/summary.md"
[ "$failed" = 0 ] || { log "the P99 target was missed"; exit 1; }
