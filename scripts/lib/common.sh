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

# sources_newer_than <file>: succeeds when <file> is missing or a source or build setting of the solution
# (src/**/*.cs, *.csproj, *.props, appsettings*.json, the repository-root build props) is newer than it.
sources_newer_than() {
  [ -f "$1" ] || return 0
  [ -n "$(find "$REPO_ROOT/src" "$REPO_ROOT/Directory.Packages.props" "$REPO_ROOT/Directory.Build.props" \
      "$REPO_ROOT"/appsettings*.json \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name 'appsettings*.json' \) \
      -not -path '*/bin/*' -not -path '*/obj/*' -newer "$1" -print -quit)" ]
}

# publish_ready_to_run <project.csproj> <output dir> <log file>: a Release ReadyToRun publish for this machine's
# runtime (framework-dependent, no app host) into <output dir>: the project's code and its packages' are compiled
# ahead of time, so a fresh process starts on precompiled code instead of the JIT's tier 0. Where that publish cannot
# run (no ReadyToRun compiler package reachable), a plain Release build goes to the same folder. Output goes to
# <log file>; fails when both fail. On success the folder's files are touched, so sources_newer_than on its main
# dll answers "no" until a source changes.
publish_ready_to_run() {
  local project="$1" out="$2" log="$3"
  if ! dotnet publish "$project" -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true \
      -p:UseAppHost=false -o "$out" -nologo -v quiet -clp:ErrorsOnly >"$log" 2>&1; then
    printf 'ReadyToRun publish failed; a plain build instead (JIT at start-up)\n' >>"$log"
    dotnet build "$project" -c Release -o "$out" -nologo -v quiet -clp:ErrorsOnly >>"$log" 2>&1 || return 1
  fi
  find "$out" -maxdepth 1 -name '*.dll' -exec touch {} +
}
