# Code coverage for scripts/test.sh. Source it after common.sh; do not run it.
#   OLORIN_COVERAGE=off        collect nothing (a quicker local run)
#   OLORIN_COVERAGE_MIN_LINE   the least line coverage (percent, all src/ projects together) a run may have; the
#                              default is the value measured when the threshold was last raised.
# coverlet.collector writes one Cobertura file per test project; ReportGenerator (a local dotnet tool, see
# dotnet-tools.json) merges them, so a line counts as covered when any project's tests ran it.

OLORIN_COVERAGE="${OLORIN_COVERAGE:-on}"
OLORIN_COVERAGE_MIN_LINE="${OLORIN_COVERAGE_MIN_LINE:-80}"

# Extra `dotnet test` arguments.
COVERAGE_TEST_ARGS=()
if [ "$OLORIN_COVERAGE" != "off" ]; then
  COVERAGE_TEST_ARGS=(--collect "XPlat Code Coverage" --settings "$REPO_ROOT/scripts/lib/coverage.runsettings")
fi

# Prints line and branch coverage per project and in total; returns 1 when line coverage is below the threshold
# or no coverage was written.
coverage_report() {
  local results_dir="$1"
  if [ "$OLORIN_COVERAGE" = "off" ]; then
    section "Coverage"
    info "not collected (OLORIN_COVERAGE=off)"
    return 0
  fi
  section "Coverage (src/ projects; EF Core migrations excluded)"
  local reports
  reports="$(find "$results_dir" -name coverage.cobertura.xml -printf '%p;')"
  if [ -z "$reports" ]; then
    echo "error: no coverage was written (coverlet.collector)"
    return 1
  fi
  dotnet tool restore >/dev/null || { echo "error: dotnet tool restore failed (ReportGenerator)"; return 1; }
  dotnet reportgenerator "-reports:${reports%;}" "-targetdir:$results_dir/coverage" \
      "-reporttypes:JsonSummary;Cobertura" -verbosity:Warning >/dev/null \
    || { echo "error: ReportGenerator could not merge the coverage reports"; return 1; }
  dotnet run "$REPO_ROOT/scripts/lib/CoverageSummary.cs" -- "$results_dir/coverage/Summary.json" "$OLORIN_COVERAGE_MIN_LINE"
}
