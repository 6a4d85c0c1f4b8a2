#!/usr/bin/env bash
# Builds Olorin Server (Release) and runs the API in the foreground on port 8090.
# Without DATABASE_URL it provisions a local PostgreSQL 15 + pgvector (scripts/provision-postgres.sh) and uses
# postgresql://olorin:olorin@127.0.0.1:5432/olorin; with DATABASE_URL set it provisions nothing and uses that.
# Either way the server applies the EF Core migrations at start-up (Database__MigrateOnStartup=true).
# Every other setting (ENABLE_MONGODB, FAIL_ON_MONGODB_ERROR, MONGODB_URI, …) passes through untouched;
# see docs/configuration.md. Stop it with Ctrl+C.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

PROJECT=src/Olorin.Server/Olorin.Server.csproj
CONFIGURATION=Release
SERVER_DLL="src/Olorin.Server/bin/$CONFIGURATION/net10.0/Olorin.Server.dll"

require_dotnet

section "PostgreSQL"
if [ -n "${DATABASE_URL:-}" ]; then
  info "DATABASE_URL is set: using that database, provisioning nothing"
else
  "$REPO_ROOT/scripts/provision-postgres.sh"
  export DATABASE_URL="postgresql://olorin:olorin@$OLORIN_LOCAL_PG_HOST:$OLORIN_LOCAL_PG_PORT/olorin"
fi

section "Build ($CONFIGURATION)"
dotnet build "$PROJECT" -c "$CONFIGURATION" -nologo -v quiet -clp:ErrorsOnly
info "built $SERVER_DLL"

export Database__MigrateOnStartup=true
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://+:8090}"

section "Olorin Server on ${ASPNETCORE_URLS} (Ctrl+C to stop)"
exec dotnet "$SERVER_DLL"
