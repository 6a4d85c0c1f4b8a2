#!/usr/bin/env bash
# Runs the whole test suite of Olorin.Server.sln against a real PostgreSQL.
#   1. provisions PostgreSQL 15 + pgvector locally (scripts/provision-postgres.sh), unless OLORIN_TEST_POSTGRES
#      already names a server;
#   2. restores and builds the solution once (Release);
#   3. runs every test project with a console log and one .trx file each (TestResults/);
#   4. collects line and branch coverage of src/ (coverlet; scripts/lib/coverage.sh) and prints it per project;
#   5. prints failures, skipped tests grouped by reason and, as the last line, "N passed, N failed, N skipped".
# Exits non-zero when the build fails, any test fails, a test run crashes, no test ran, or line coverage is below
# OLORIN_COVERAGE_MIN_LINE.
# MongoDB contract tests run when OLORIN_TEST_MONGODB_URI names a server (or Docker is present for
# Testcontainers) and are reported as skipped, with the reason, otherwise.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/coverage.sh
source "$REPO_ROOT/scripts/lib/coverage.sh"
cd "$REPO_ROOT"

SOLUTION=Olorin.Server.sln
RESULTS_DIR="$REPO_ROOT/TestResults"
CONFIGURATION=Release

# Failures before any test runs still end with the summary line.
print_summary_and_fail() {
  echo
  echo "0 passed, 0 failed, 0 skipped"
  exit 1
}

require_dotnet

section "PostgreSQL"
if [ -n "${OLORIN_TEST_POSTGRES:-}" ]; then
  info "OLORIN_TEST_POSTGRES is set: using that server, provisioning nothing"
else
  "$REPO_ROOT/scripts/provision-postgres.sh" || { echo "error: provisioning PostgreSQL failed"; print_summary_and_fail; }
  export OLORIN_TEST_POSTGRES="Host=$OLORIN_LOCAL_PG_HOST;Port=$OLORIN_LOCAL_PG_PORT;Username=olorin;Password=olorin;SSL Mode=Disable"
fi
if [ -n "${OLORIN_TEST_MONGODB_URI:-}" ]; then
  export OLORIN_TEST_MONGODB_URI
  info "MongoDB tests will use OLORIN_TEST_MONGODB_URI"
fi

section "Restore"
dotnet restore "$SOLUTION" || { echo "error: restore failed"; print_summary_and_fail; }

section "Build ($CONFIGURATION)"
dotnet build "$SOLUTION" -c "$CONFIGURATION" --no-restore -nologo || { echo "error: build failed"; print_summary_and_fail; }

mapfile -t test_projects < <(dotnet sln "$SOLUTION" list | tr '\\' '/' | grep -E '^tests/.+\.csproj$' | sort)
[ "${#test_projects[@]}" -gt 0 ] || { echo "error: $SOLUTION lists no test project"; print_summary_and_fail; }

rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"
# A test that hangs for HANG_TIMEOUT has its test host stopped (and its run reported as aborted), so that a
# deadlock costs minutes, not the whole CI budget.
HANG_TIMEOUT=10m
unsuccessful=()
for project in "${test_projects[@]}"; do
  name="$(basename "$project" .csproj)"
  section "Test $name"
  if ! dotnet test "$project" -c "$CONFIGURATION" --no-build -nologo \
      --logger "console;verbosity=normal" \
      --logger "trx;LogFileName=$name.trx" \
      --results-directory "$RESULTS_DIR" \
      --blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type none \
      "${COVERAGE_TEST_ARGS[@]}"; then
    unsuccessful+=("$name")
  fi
done

# A run that exited non-zero without a failed test in its results crashed or was aborted; the summary counts it.
summary_args=()
for name in "${unsuccessful[@]}"; do summary_args+=(--exited-nonzero "$name"); done
coverage_status=0
coverage_report "$RESULTS_DIR" || coverage_status=1
# The test summary stays the last line; a coverage failure (reported above it) fails the run too.
trx_status=0
dotnet run "$REPO_ROOT/scripts/lib/TrxSummary.cs" -- "$RESULTS_DIR" "${summary_args[@]}" || trx_status=$?
[ "$trx_status" -ne 0 ] && exit "$trx_status"
exit "$coverage_status"
