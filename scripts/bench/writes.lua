-- wrk: the write mix. Each request is an install or a rating of a random
-- skill by a random bench user (API key sk-bench<000…n>).
local ids, users, i = {}, 2000, 0
-- Each thread its own seed: with one seed both threads asked the same
-- (user, skill) pairs, and every second rating answered 409 RATING_EXISTS.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_no", threads)
end
function init(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  users = tonumber(args[2])
  math.randomseed(os.time() * 1000 + (thread_no or 0) * 7919)
end
function request()
  i = i + 1
  local key = string.format("sk-bench%032d", math.random(users))
  local id = ids[math.random(#ids)]
  local headers = { ["X-API-Key"] = key, ["Content-Type"] = "application/json" }
  if i % 2 == 0 then
    return wrk.format("POST", "/api/skills/install", headers, '{"skill_id": "' .. id .. '"}')
  end
  return wrk.format("POST", "/api/public/v1/marketplace/skills/" .. id .. "/rate", headers,
    '{"rating": ' .. math.random(5) .. '}')
end
