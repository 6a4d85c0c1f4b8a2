-- PATCH /investigations/{id} at version 1: every request patches a seeded investigation no other request touches
-- (each thread walks its own slice of the ids), so none is refused for a stale version.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local n = tonumber(os.getenv("BENCH_INVESTIGATIONS") or "100000")
local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
local started = 0
function setup(thread) thread:set("tid", started); started = started + 1 end
local next_id = nil
request = function()
  if next_id == nil then next_id = (tid or 0) * math.floor(n / threads) + (tonumber(os.getenv("BENCH_PATCH_OFFSET") or "0")) end
  local id = next_id
  next_id = next_id + 1
  return wrk.format("PATCH", string.format("/investigations/inv-%06d", id % n), nil, '{"version":1,"status":"IN_PROGRESS"}')
end
