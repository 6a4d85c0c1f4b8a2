-- GET /investigations/{id}, a random one of the seeded inv-000000 … inv-(N-1)
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local n = tonumber(os.getenv("BENCH_INVESTIGATIONS") or "100000")
request = function()
  return wrk.format("GET", string.format("/investigations/inv-%06d", math.random(0, n - 1)))
end
