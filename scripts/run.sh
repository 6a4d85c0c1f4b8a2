#!/usr/bin/env bash
# Builds Olorin Server and runs the API in the foreground on port 8090. The build is a ReadyToRun publish for this
# machine's runtime into src/Olorin.Server/bin/ReadyToRun (the server's code and its packages' compiled ahead of time,
# so the first minute after a start — e.g. a migration phase switch, issue 8 — does not run on the JIT's tier 0; a
# plain Release build goes to the same folder where no ReadyToRun compiler package is reachable), done on first use
# and again whenever a source file under src/ is newer than it (scripts/lib/common.sh, publish_ready_to_run).
# Without DATABASE_URL it provisions a local PostgreSQL 15 + pgvector (scripts/provision-postgres.sh) and uses
# postgresql://olorin:olorin@127.0.0.1:5432/olorin?sslmode=disable (plain TCP on loopback); with DATABASE_URL set it provisions nothing and uses that.
# Either way the server applies the EF Core migrations at start-up (Database__MigrateOnStartup=true).
# Identity: this quick start runs with AUTH_MODE=headers (X-Tenant-Id / X-User-Id, not authenticated) unless
# AUTH_MODE is already set; `AUTH_MODE=jwt JWT_SECRET_KEY=… scripts/run.sh` serves with bearer tokens instead
# (mint one with scripts/olorin token). The server itself defaults to jwt.
# Every other setting (ENABLE_MONGODB, FAIL_ON_MONGODB_ERROR, MONGODB_URI, …) passes through untouched;
# see docs/configuration.md. Stop it with Ctrl+C.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

export AUTH_MODE="${AUTH_MODE:-headers}"
section "Identity: AUTH_MODE=$AUTH_MODE"
if [ "$AUTH_MODE" = "headers" ]; then
  info "requests are NOT authenticated: the tenant and user come from the X-Tenant-Id / X-User-Id headers"
  info "(local development only; for bearer tokens: AUTH_MODE=jwt JWT_SECRET_KEY=<32+ bytes> scripts/run.sh, see README)"
else
  info "requests need a bearer token (Authorization: Bearer …); mint one with scripts/olorin token --tenant t1 --user u1 --scopes read,write"
fi

PROJECT=src/Olorin.Server/Olorin.Server.csproj
SERVER_DIR=src/Olorin.Server/bin/ReadyToRun
SERVER_DLL="$SERVER_DIR/Olorin.Server.dll"

require_dotnet

# The build runs in the background while PostgreSQL is provisioned: on a bare machine each takes a minute or more.
build_log="$(mktemp)"
trap 'rm -f "$build_log"' EXIT
if sources_newer_than "$SERVER_DLL"; then
  section "Build (Release, ReadyToRun), in the background"
  publish_ready_to_run "$PROJECT" "$SERVER_DIR" "$build_log" &
  build_pid=$!
else
  section "Build: $SERVER_DLL is newer than every source, reusing it"
  true &
  build_pid=$!
fi

section "PostgreSQL"
if [ -n "${DATABASE_URL:-}" ]; then
  info "DATABASE_URL is set: using that database, provisioning nothing"
else
  if ! "$REPO_ROOT/scripts/provision-postgres.sh"; then
    kill "$build_pid" 2>/dev/null || true
    die "provisioning PostgreSQL failed"
  fi
  export DATABASE_URL="postgresql://olorin:olorin@$OLORIN_LOCAL_PG_HOST:$OLORIN_LOCAL_PG_PORT/olorin?sslmode=disable"
fi

section "Build"
if ! wait "$build_pid"; then
  cat "$build_log"
  die "the build failed"
fi
info "ready: $SERVER_DLL"
rm -f "$build_log"

export Database__MigrateOnStartup=true
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://+:8090}"

section "Olorin Server on ${ASPNETCORE_URLS} (Ctrl+C to stop)"
exec dotnet "$SERVER_DLL"
