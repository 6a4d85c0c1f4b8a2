#!/usr/bin/env bash
# Benchmark of server-side embeddings (not a test; numbers depend on the machine and its load):
#   1. the embedder alone: model load time and memory, sentences/s one at a time, batched, and from concurrent callers
#      (benchmarks/EmbeddingBenchmark);
#   2. latency of POST /anomalies without an embedding, with EMBEDDING_ENABLED=true and =false: wrk against the real
#      server on 127.0.0.1 over a fresh PostgreSQL database, printing each run's latency distribution (P50…P99).
# Usage: scripts/bench-embeddings.sh [duration=20s] [connections=8]
# Needs wrk (apt-get install -y wrk) and the local PostgreSQL (OLORIN_BENCH_POSTGRES overrides the server).
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

DURATION="${1:-20s}"
CONNECTIONS="${2:-8}"
PG="${OLORIN_BENCH_POSTGRES:-Host=$OLORIN_LOCAL_PG_HOST;Port=$OLORIN_LOCAL_PG_PORT;Username=olorin;Password=olorin}"
PORT=18093
command -v wrk >/dev/null || die "wrk is not installed (apt-get install -y wrk)"

section "Embedder alone"
dotnet run --project benchmarks/EmbeddingBenchmark -c Release 2>/dev/null

section "Build the server"
OUT="$(mktemp -d)"
dotnet publish src/Olorin.Server/Olorin.Server.csproj -c Release -o "$OUT" -p:UseAppHost=false -nologo -v q >/dev/null

LUA="$(mktemp --suffix=.lua)"
cat >"$LUA" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Tenant-Id"] = "bench"
wrk.headers["X-User-Id"] = "bench"
wrk.body = '{"run_id":"run-1","detector_id":"det-1","metric":"chargeback_rate","observed":17.5,"expected":2.5,"score":4.2,' ..
  '"severity":"critical","cohort":{"merchant":"m-1","country":"DE"},"evidence":{"reason":"spike of disputed payments"},' ..
  '"window":{"start":"2026-01-01T00:00:00Z","end":"2026-01-01T01:00:00Z"}}'
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors %d; latency ms: P50 %.1f, P90 %.1f, P99 %.1f, max %.1f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA

run_case() {
  local enabled="$1" db="olorin_bench_$(date +%s)_$enabled"
  section "POST /anomalies with EMBEDDING_ENABLED=$enabled"
  ConnectionStrings__Postgres="$PG;Database=$db" DATABASE_URL="" Database__MigrateOnStartup=true EMBEDDING_ENABLED="$enabled" \
    Serilog__MinimumLevel__Default=Warning ASPNETCORE_URLS="http://127.0.0.1:$PORT" \
    dotnet "$OUT/Olorin.Server.dll" >"$OUT/server-$enabled.log" 2>&1 &
  local pid=$!
  # Ready, and (when enabled) the model loaded: /health says "loaded".
  for _ in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$PORT/health" 2>/dev/null | grep -q -E 'loaded|switched off'; then break; fi
    sleep 0.5
  done
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s "$LUA" "http://127.0.0.1:$PORT/anomalies"
  sleep 2
  info "after the run: $(curl -fsS "http://127.0.0.1:$PORT/health" | grep -o '"description":"[^"]*\(loaded\|switched off\)[^"]*"' || true)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  PGPASSWORD=olorin psql -h "$OLORIN_LOCAL_PG_HOST" -U olorin -d postgres -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
}

run_case false
run_case true
rm -rf "$OUT" "$LUA"
