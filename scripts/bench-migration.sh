#!/usr/bin/env bash
# Benchmark of the migration tools (not a test; numbers depend on the machine and its load): seeds the mixed synthetic
# dataset (all ten collections, ~7.9 documents per investigation) into a fresh PostgreSQL database, then runs
# `olorin migrate` into a second fresh database and `olorin verify-migration` between them, each as its own process
# under /usr/bin/time -v, and prints docs/s per collection and in total, peak RSS, the load average and the
# load-independent figures: CPU-seconds per 1,000 documents of the tool and of the PostgreSQL backends serving it
# (sampled from /proc every 0.2 s; WAL writer, checkpointer and parallel workers are not counted, so a lower bound).
# Each path is measured: "raw" (the PostgreSQL → PostgreSQL default: binary COPY, server-side digests) and
# "portable" (--portable: through the models and the canonical form, as PostgreSQL ↔ MongoDB always goes).
# Usage: scripts/bench-migration.sh [investigations=6400 (50,560 documents)] [batch-size (default: the tool's own, 1,000 through
# the models and 10,000 rows per COPY transaction on the raw path)]
# OLORIN_BENCH_PATHS="raw portable" (default) chooses the paths measured. For an A/B comparison in one session:
# OLORIN_BENCH_CLI=<path to an olorin.dll built elsewhere> runs that build instead of this checkout's, and
# OLORIN_BENCH_SOURCE=<database name> reuses an already seeded source database on the same server (kept afterwards).
# OLORIN_BENCH_DB_PREFIX (default olorin_bench_mig_) starts the names of the databases it creates and drops.
# OLORIN_BENCH_PREFLIGHT=0 leaves out the last step (the preflight alone, migrate --dry-run).
# OLORIN_BENCH_MIGRATE_PREFLIGHT=1 runs migrate as the default command does, its preflight included (otherwise
# --no-preflight: the copy alone).
# OLORIN_TRACE=1 is passed on to the tools and their timelines (seconds since the process started, per step) printed.
# Needs the local PostgreSQL (OLORIN_BENCH_POSTGRES_URL=postgresql://user:pw@host:port overrides the server) and jq.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

INVESTIGATIONS="${1:-6400}"
BATCH="${2:-}"
SERVER="${OLORIN_BENCH_POSTGRES_URL:-postgresql://olorin:olorin@$OLORIN_LOCAL_PG_HOST:$OLORIN_LOCAL_PG_PORT}"
command -v jq >/dev/null || die "jq is not installed (apt-get install -y jq)"
[ -x /usr/bin/time ] || die "/usr/bin/time is not installed (apt-get install -y time)"

SUFFIX="$(date +%s)_$$"
PATHS="${OLORIN_BENCH_PATHS:-raw portable}"
PREFIX="${OLORIN_BENCH_DB_PREFIX:-olorin_bench_mig_}"
[[ "$PREFIX" =~ ^[a-z_][a-z0-9_]*$ ]] || die "OLORIN_BENCH_DB_PREFIX: lower-case letters, digits and _ only"
SRC_DB="${OLORIN_BENCH_SOURCE:-${PREFIX}src_$SUFFIX}"
SRC="$SERVER/$SRC_DB"
DBS=("$SRC_DB")
KEEP_SOURCE="${OLORIN_BENCH_SOURCE:+yes}"
for path in $PATHS; do DBS+=("${PREFIX}dst_${path}_$SUFFIX"); done
WORK="$(mktemp -d)"
cleanup() {
  for db in "${DBS[@]}"; do [ "$db" = "$SRC_DB" ] && [ -n "$KEEP_SOURCE" ] && continue; psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "${OLORIN_BENCH_CLI:-}" ]; then
  [ -f "$OLORIN_BENCH_CLI" ] || die "OLORIN_BENCH_CLI: no such file: $OLORIN_BENCH_CLI"
  CLI=(dotnet "$OLORIN_BENCH_CLI")
else
  section "Build the operator tools"
  scripts/olorin --help >/dev/null
  CLI=(dotnet "$REPO_ROOT/src/Olorin.Cli/bin/ReadyToRun/olorin.dll") # what scripts/olorin runs
fi

if [ -n "$KEEP_SOURCE" ]; then
  section "Source $SRC_DB (seeded earlier, kept)"
  jq -n --argjson n "$(psql "$SRC" -Atc "SELECT (SELECT count(*) FROM investigation_states) + (SELECT count(*) FROM investigation_templates)
      + (SELECT count(*) FROM detectors) + (SELECT count(*) FROM detection_runs) + (SELECT count(*) FROM anomaly_events)
      + (SELECT count(*) FROM transaction_scores) + (SELECT count(*) FROM investigation_audit_log) + (SELECT count(*) FROM composio_connections)
      + (SELECT count(*) FROM composio_action_audit) + (SELECT count(*) FROM soar_playbook_executions)")" '{documents: $n}' >"$WORK/seed.json"
else
  section "Seed $SRC_DB ($INVESTIGATIONS investigations, all ten collections)"
  "${CLI[@]}" seed --target "$SRC" --investigations "$INVESTIGATIONS" --tenant bench-mig --json >"$WORK/seed.json" 2>"$WORK/seed.err" \
    || { cat "$WORK/seed.err" >&2; die "seeding failed"; }
  info "$(jq -r '"\(.documents) documents in \(.seconds) s"' "$WORK/seed.json")"
fi

# CPU time (utime + stime) of the PostgreSQL backends connected to the benchmark's databases, sampled every 0.2 s
# while a command runs: one "pid stat…" line per backend and sample in $WORK/$1.pg.
pg_sample() {
  local out="$1" pattern
  pattern="postgres: .*: [^ ]+ ($(IFS='|'; echo "${DBS[*]}")) "
  while [ -e "$WORK/sampling" ]; do
    for pid in $(pgrep -f "$pattern" || true); do
      { read -r stat <"/proc/$pid/stat" && echo "$pid $stat"; } 2>/dev/null || true
    done
    sleep 0.2
  done >"$out"
}
# Seconds of PostgreSQL backend CPU seen in $WORK/$1.pg (the last sample of each backend).
pg_cpu() { awk -v tck="$(getconf CLK_TCK)" '{ t[$1] = $15 + $16 } END { for (p in t) s += t[p]; printf "%.1f", s / tck }' "$WORK/$1.pg"; }

# Runs one CLI command under /usr/bin/time -v; its JSON result goes to $WORK/$1.json, the time report to $WORK/$1.time.
timed() {
  local name="$1"; shift
  local rc=0
  touch "$WORK/sampling"
  pg_sample "$WORK/$name.pg" &
  local sampler=$!
  /usr/bin/time -v -o "$WORK/$name.time" "${CLI[@]}" "$@" --json >"$WORK/$name.json" 2>"$WORK/$name.err" || rc=$?
  rm -f "$WORK/sampling"
  wait "$sampler" || true
  if [ "$rc" -ne 0 ]; then cat "$WORK/$name.err" >&2; die "$name exited $rc"; fi
  if [ "${OLORIN_TRACE:-}" = 1 ]; then grep -a '^\[trace' "$WORK/$name.err" | sed 's/^/    /' || true; fi
}
tool_cpu() { awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.1f", u + s }' "$WORK/$1.time"; }
# CPU-seconds per 1,000 documents: $1 seconds, $2 documents.
per_k() { awk -v s="$1" -v n="$2" 'BEGIN { printf "%.3f", 1000 * s / n }'; }
peak_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$WORK/$1.time"; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$WORK/$1.time"; }
# Documents per second of the whole command as a user runs it ($2 documents over the process's wall clock: start-up,
# preparing the target, counts, index builds and the final report included).
wall_rate() { wall "$1" | awk -F: -v n="$2" '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%d", n / s }'; }
cpu() { awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.1f s user + %.1f s system", u, s }' "$WORK/$1.time"; }

SUMMARY=()
for path in $PATHS; do
  DST_DB="${PREFIX}dst_${path}_$SUFFIX"
  DST="$SERVER/$DST_DB"
  FLAGS=()
  [ "$path" = portable ] && FLAGS=(--portable)

  BATCH_FLAGS=()
  [ -n "$BATCH" ] && BATCH_FLAGS=(--batch-size "$BATCH")
  section "migrate ($path) $SRC_DB → $DST_DB (batch size ${BATCH:-as the tool defaults}$([ "${OLORIN_BENCH_MIGRATE_PREFLIGHT:-0}" = 1 ] && echo ', with its preflight'))"
  LOAD_BEFORE="$(uptime | sed 's/.*load average: //')"
  PREFLIGHT_FLAGS=(--no-preflight)
  [ "${OLORIN_BENCH_MIGRATE_PREFLIGHT:-0}" = 1 ] && PREFLIGHT_FLAGS=()
  timed "migrate-$path" migrate --from "$SRC" --to "$DST" "${BATCH_FLAGS[@]}" "${PREFLIGHT_FLAGS[@]}" "${FLAGS[@]}"
  LOAD_AFTER="$(uptime | sed 's/.*load average: //')"
  J="$WORK/migrate-$path.json"
  jq -r '.collections[] | "    \(.collection | .+ " " * (26 - length)) \(.copied | tostring | " " * (8 - length) + .) docs  \(.docs_per_second | tostring | " " * (8 - length) + .) docs/s copying (\(.path)), then \(.index_build_seconds) s building deferred indexes"' "$J"
  DOCS="$(jq -r .totals.copied "$J")"
  # Over the copy phase's wall clock where the build reports it (its collections overlap: their own clocks add up to more).
  RATE="$(jq -r '(.totals.copied / (.totals.phase_seconds // .totals.seconds)) | floor' "$J")"
  # The copy phase's wall clock with its overlapping index builds (newer builds report it).
  if [ "$(jq -r '.totals.phase_seconds // empty' "$J")" != "" ]; then
    info "copy phase (collections and index builds overlapping): $(jq -r .totals.phase_seconds "$J") s = $(jq -r '(.totals.copied / .totals.phase_seconds) | floor' "$J") docs/s"
  fi
  RATE_IDX="$(jq -r '(.totals.copied / (.totals.seconds + .totals.index_build_seconds)) | floor' "$J")"
  info "total: $DOCS docs, copy phase $(jq -r '.totals.phase_seconds // .totals.seconds' "$J") s = $RATE docs/s (collections' own clocks add up to $(jq -r .totals.seconds "$J") s; index builds $(jq -r .totals.index_build_seconds "$J") s, summed: $RATE_IDX docs/s over both sums)"
  info "process: wall clock $(wall "migrate-$path") (start-up, preparing the target, counts included), CPU $(cpu "migrate-$path"), peak RSS $(peak_mb "migrate-$path") MB; PostgreSQL backends: $(pg_cpu "migrate-$path") CPU-s"
  SUMMARY+=("migrate ($path): $(wall_rate "migrate-$path" "$DOCS") docs/s over the whole command's wall clock ($(wall "migrate-$path")); $RATE docs/s over the copy phase (its deferred index builds included; $RATE_IDX over the collections' and builds' own clocks summed); CPU-s per 1,000 docs: tool $(per_k "$(tool_cpu "migrate-$path")" "$DOCS"), PostgreSQL $(per_k "$(pg_cpu "migrate-$path")" "$DOCS"); peak RSS $(peak_mb "migrate-$path") MB; load before $LOAD_BEFORE, after $LOAD_AFTER")

  section "verify-migration ($path) $SRC_DB ↔ $DST_DB"
  LOAD_BEFORE="$(uptime | sed 's/.*load average: //')"
  timed "verify-$path" verify-migration --from "$SRC" --to "$DST" "${FLAGS[@]}"
  LOAD_AFTER="$(uptime | sed 's/.*load average: //')"
  J="$WORK/verify-$path.json"
  jq -r '.collections[] | "    \(.collection | .+ " " * (26 - length)) \(.compared | tostring | " " * (8 - length) + .) docs  \(.docs_per_second | tostring | " " * (8 - length) + .) docs/s (\(.path))"' "$J"
  COMPARED="$(jq -r '[.collections[].compared] | add' "$J")"
  # The verification's wall clock (collections overlap: their own clocks add up to more); older builds report only those.
  VSECONDS="$(jq -r '.totals.phase_seconds // ([.collections[].seconds] | add)' "$J")"
  VRATE="$(jq -r --argjson s "$VSECONDS" '([.collections[].compared] | add) / $s | floor' "$J")"
  info "total: $COMPARED docs in $VSECONDS s = $VRATE docs/s; equal: $(jq -r .success "$J")"
  info "process: wall clock $(wall "verify-$path"), CPU $(cpu "verify-$path"), peak RSS $(peak_mb "verify-$path") MB; PostgreSQL backends: $(pg_cpu "verify-$path") CPU-s"
  SUMMARY+=("verify-migration ($path): $(wall_rate "verify-$path" "$COMPARED") docs/s over the whole command's wall clock ($(wall "verify-$path")); $VRATE docs/s verifying, equal: $(jq -r .success "$J"); CPU-s per 1,000 docs: tool $(per_k "$(tool_cpu "verify-$path")" "$COMPARED"), PostgreSQL $(per_k "$(pg_cpu "verify-$path")" "$COMPARED"); peak RSS $(peak_mb "verify-$path") MB; load before $LOAD_BEFORE, after $LOAD_AFTER")
done

if [ "${OLORIN_BENCH_PREFLIGHT:-1}" != 0 ]; then
section "preflight alone (migrate --dry-run)"
timed preflight migrate --from "$SRC" --to "$SERVER/${PREFIX}dst_$(set -- $PATHS; echo "$1")_$SUFFIX" --dry-run
info "process: wall clock $(wall preflight), CPU $(cpu preflight), peak RSS $(peak_mb preflight) MB"
fi

section "Summary"
info "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, $(uname -sr); dataset: $(jq -r .documents "$WORK/seed.json") documents"
for line in "${SUMMARY[@]}"; do info "$line"; done
