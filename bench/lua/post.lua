-- POST /investigations with a fresh id per request (thread id + counter), a realistic body.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local counter = 0
local prefix = "post-" .. os.time() .. "-"
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
request = function()
  counter = counter + 1
  local body = string.format('{"investigation_id":"%s%d-%d","settings":{"name":"bench %d","entities":[{"entity_type":"email","entity_value":"u-%d@example.com"}]},"status":"CREATED"}',
    prefix, tid or 0, counter, counter, counter)
  return wrk.format("POST", "/investigations", nil, body)
end
