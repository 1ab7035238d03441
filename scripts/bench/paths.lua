-- GET any path as a signed-in person: each line of BENCH_PATHS is "TOKEN PATH" (PATH already
-- URL-encoded); the lines are requested in turn.
local pairs_ = {}
local f = assert(io.open(os.getenv("BENCH_PATHS"), "r"))
for line in f:lines() do
  local tok, p = string.match(line, "^(%S+)%s+(%S+)$")
  if tok then pairs_[#pairs_ + 1] = {tok, p} end
end
f:close()
local n = 0

request = function()
  n = n + 1
  local p = pairs_[n % #pairs_ + 1]
  return wrk.format("GET", p[2], {["Authorization"] = "Bearer " .. p[1]})
end

response = function(status, headers, body)
  if status ~= 200 then io.stderr:write("paths: unexpected status " .. status .. "\n") end
end
