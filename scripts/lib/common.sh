# Shared helpers for scripts/run.sh and scripts/test.sh. Source it; do not run it.
# Sets REPO_ROOT, quiets the .NET CLI's first-run noise, and prints readable section headers.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT

export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}"
export DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE="${DOTNET_SKIP_FIRST_TIME_EXPERIENCE:-1}"

# The local PostgreSQL that scripts/provision-postgres.sh creates (role, password and database "olorin").
OLORIN_LOCAL_PG_HOST=127.0.0.1
OLORIN_LOCAL_PG_PORT=5432

section() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is not on PATH; install the .NET 10 SDK first"
  # global.json pins the SDK band; dotnet --version fails with a clear message when it is missing.
  info "using .NET SDK $(cd "$REPO_ROOT" && dotnet --version)"
}
