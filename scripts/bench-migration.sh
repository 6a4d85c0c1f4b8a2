#!/usr/bin/env bash
# Benchmark of the migration tools (not a test; numbers depend on the machine and its load): seeds the mixed synthetic
# dataset (all ten collections, ~7.9 documents per investigation) into a fresh PostgreSQL database, then runs
# `olorin migrate` into a second fresh database and `olorin verify-migration` between them, each as its own process
# under /usr/bin/time -v, and prints docs/s per collection and in total, peak RSS and the load average.
# Usage: scripts/bench-migration.sh [investigations=6400 (50,560 documents)] [batch-size=1000]
# Needs the local PostgreSQL (OLORIN_BENCH_POSTGRES_URL=postgresql://user:pw@host:port overrides the server) and jq.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

INVESTIGATIONS="${1:-6400}"
BATCH="${2:-1000}"
SERVER="${OLORIN_BENCH_POSTGRES_URL:-postgresql://olorin:olorin@$OLORIN_LOCAL_PG_HOST:$OLORIN_LOCAL_PG_PORT}"
command -v jq >/dev/null || die "jq is not installed (apt-get install -y jq)"
[ -x /usr/bin/time ] || die "/usr/bin/time is not installed (apt-get install -y time)"

SUFFIX="$(date +%s)_$$"
SRC_DB="olorin_bench_mig_src_$SUFFIX"
DST_DB="olorin_bench_mig_dst_$SUFFIX"
SRC="$SERVER/$SRC_DB"
DST="$SERVER/$DST_DB"
WORK="$(mktemp -d)"
cleanup() {
  for db in "$SRC_DB" "$DST_DB"; do psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

section "Build the operator tools"
scripts/olorin --help >/dev/null
CLI=(dotnet "$REPO_ROOT/src/Olorin.Cli/bin/Release/net10.0/olorin.dll")

section "Seed $SRC_DB ($INVESTIGATIONS investigations, all ten collections)"
"${CLI[@]}" seed --target "$SRC" --investigations "$INVESTIGATIONS" --tenant bench-mig --json >"$WORK/seed.json" 2>"$WORK/seed.err" \
  || { cat "$WORK/seed.err" >&2; die "seeding failed"; }
info "$(jq -r '"\(.documents) documents in \(.seconds) s"' "$WORK/seed.json")"

# Runs one CLI command under /usr/bin/time -v; its JSON result goes to $WORK/$1.json, the time report to $WORK/$1.time.
timed() {
  local name="$1"; shift
  local rc=0
  /usr/bin/time -v -o "$WORK/$name.time" "${CLI[@]}" "$@" --json >"$WORK/$name.json" 2>"$WORK/$name.err" || rc=$?
  if [ "$rc" -ne 0 ]; then cat "$WORK/$name.err" >&2; die "$name exited $rc"; fi
}
peak_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$WORK/$1.time"; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$WORK/$1.time"; }
cpu() { awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.1f s user + %.1f s system", u, s }' "$WORK/$1.time"; }
# Documents per second of the tool's own CPU (start-up included): what a machine without competing load bounds.
per_cpu() { awk -F': ' -v n="$2" '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.0f", n / (u + s) }' "$WORK/$1.time"; }

section "migrate $SRC_DB → $DST_DB (batch size $BATCH)"
LOAD_BEFORE_MIGRATE="$(uptime | sed 's/.*load average: //')"
timed migrate migrate --from "$SRC" --to "$DST" --batch-size "$BATCH" --no-preflight
LOAD_AFTER_MIGRATE="$(uptime | sed 's/.*load average: //')"
jq -r '.collections[] | "    \(.collection | .+ " " * (26 - length)) \(.copied | tostring | " " * (8 - length) + .) docs  \(.docs_per_second | tostring | " " * (8 - length) + .) docs/s copying, then \(.index_build_seconds) s building deferred indexes"' "$WORK/migrate.json"
MIGRATE_TOTAL="$(jq -r '(.totals.copied / .totals.seconds) | floor' "$WORK/migrate.json")"
MIGRATE_WITH_INDEXES="$(jq -r '(.totals.copied / (.totals.seconds + .totals.index_build_seconds)) | floor' "$WORK/migrate.json")"
info "total: $(jq -r .totals.copied "$WORK/migrate.json") docs in $(jq -r .totals.seconds "$WORK/migrate.json") s copying = $MIGRATE_TOTAL docs/s; with the $(jq -r .totals.index_build_seconds "$WORK/migrate.json") s of index builds: $MIGRATE_WITH_INDEXES docs/s"
info "process: wall clock $(wall migrate) (start-up, preparing the target, counts included), CPU $(cpu migrate), peak RSS $(peak_mb migrate) MB"

section "preflight alone (migrate --dry-run)"
timed preflight migrate --from "$SRC" --to "$DST" --dry-run
info "process: wall clock $(wall preflight), CPU $(cpu preflight), peak RSS $(peak_mb preflight) MB"

section "verify-migration $SRC_DB ↔ $DST_DB"
LOAD_BEFORE_VERIFY="$(uptime | sed 's/.*load average: //')"
timed verify verify-migration --from "$SRC" --to "$DST"
LOAD_AFTER_VERIFY="$(uptime | sed 's/.*load average: //')"
jq -r '.collections[] | "    \(.collection | .+ " " * (26 - length)) \(.compared | tostring | " " * (8 - length) + .) docs  \(.docs_per_second | tostring | " " * (8 - length) + .) docs/s"' "$WORK/verify.json"
VERIFY_TOTAL="$(jq -r '([.collections[].compared] | add) / ([.collections[].seconds] | add) | floor' "$WORK/verify.json")"
info "total: $(jq -r '[.collections[].compared] | add' "$WORK/verify.json") docs in $(jq -r '[.collections[].seconds] | add' "$WORK/verify.json") s = $VERIFY_TOTAL docs/s; equal: $(jq -r .success "$WORK/verify.json")"
info "process: wall clock $(wall verify), CPU $(cpu verify), peak RSS $(peak_mb verify) MB"

section "Summary"
info "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, $(uname -sr)"
DOCS="$(jq -r .totals.copied "$WORK/migrate.json")"
info "migrate:          $MIGRATE_TOTAL docs/s copying ($MIGRATE_WITH_INDEXES docs/s with the deferred index builds; $(per_cpu migrate "$DOCS") docs per second of its CPU), peak RSS $(peak_mb migrate) MB (load average before: $LOAD_BEFORE_MIGRATE; after: $LOAD_AFTER_MIGRATE)"
info "verify-migration: $VERIFY_TOTAL docs/s ($(per_cpu verify "$DOCS") docs per second of its CPU), peak RSS $(peak_mb verify) MB (load average before: $LOAD_BEFORE_VERIFY; after: $LOAD_AFTER_VERIFY)"
