-- GET /investigations/{id}, a random one of the seeded inv-000000 … inv-(N-1)
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local n = tonumber(os.getenv("BENCH_INVESTIGATIONS") or "100000")
-- Each thread its own random sequence, new in every run: unseeded, both threads (and the warm-up) asked for the same
-- ids in the same order, so most GETs of a run repeated an id read moments before and wrote no last_accessed.
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) math.randomseed(os.time() * 7919 + tid) end
request = function()
  return wrk.format("GET", string.format("/investigations/inv-%06d", math.random(0, n - 1)))
end
