-- POST /anomalies/search/similar with a random unit vector (k 10, min_similarity -1); BENCH_EXACT=true asks for exact ranking.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local exact = os.getenv("BENCH_EXACT") or "false"
local function gauss() return math.sqrt(-2 * math.log(1 - math.random())) * math.cos(2 * math.pi * math.random()) end
local bodies = {}
for b = 1, 50 do
  local v, norm = {}, 0
  for i = 1, 384 do v[i] = gauss(); norm = norm + v[i] * v[i] end
  norm = math.sqrt(norm)
  for i = 1, 384 do v[i] = string.format("%.6f", v[i] / norm) end
  bodies[b] = '{"vector":[' .. table.concat(v, ",") .. '],"k":10,"min_similarity":-1,"exact":' .. exact .. '}'
end
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/anomalies/search/similar", nil, bodies[i])
end
