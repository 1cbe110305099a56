-- wrk: GET a path template with a random id from a file, e.g.
--   wrk -s random_path.lua URL -- ids.txt /api/public/v1/marketplace/skills/%s
local ids, template = {}, "/"
function init(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  template = args[2]
  math.randomseed(os.time() * 1000 + math.random(1000000))
end
function request()
  return wrk.format("GET", string.format(template, ids[math.random(#ids)]))
end
