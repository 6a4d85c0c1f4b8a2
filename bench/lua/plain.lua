-- The URL given to wrk, with the bench identity (lists, search, distribution, the empty endpoint).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
