-- Shared by every scenario: header identity, and a summary line bench/run.sh parses:
-- RESULT <requests/s> <P50 ms> <P99 ms> <non-2xx responses> <socket errors>
wrk.headers["X-Tenant-Id"] = os.getenv("BENCH_TENANT") or "bench"
wrk.headers["X-User-Id"] = "bench"
wrk.headers["Content-Type"] = "application/json"

local non2xx = 0
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, errors))
end
