-- Shared by every scenario: header identity, and a summary line bench/run.sh parses:
-- RESULT <requests/s> <P50 ms> <P99 ms> <responses with a status >= 400> <socket errors>
-- No response() hook: wrk counts statuses >= 400 itself (summary.errors.status), and a hook makes it hand every
-- response's headers and body to Lua, CPU the load generator takes from the server on the shared cores.
wrk.headers["X-Tenant-Id"] = os.getenv("BENCH_TENANT") or "bench"
wrk.headers["X-User-Id"] = "bench"
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, errors))
end
