-- wrk at a set pace: each connection waits DELAY ms before each request,
-- cycling through a file of paths (args: PATHS_FILE DELAY_MS).
local paths, i, pause = {}, 0, 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = math.random(#paths)
  pause = tonumber(args[2])
end
function delay()
  return pause
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
