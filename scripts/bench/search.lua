-- GET /api/v1/cases?q=NAME: the search box, by customer name.  Each line of BENCH_SEARCHES is
-- "TOKEN QUERY" (QUERY already URL-encoded; a customer of that token's organization).
local pairs_ = {}
local f = assert(io.open(os.getenv("BENCH_SEARCHES"), "r"))
for line in f:lines() do
  local tok, q = string.match(line, "^(%S+)%s+(%S+)$")
  if tok then pairs_[#pairs_ + 1] = {tok, q} end
end
f:close()
local n = 0

request = function()
  n = n + 1
  local p = pairs_[n % #pairs_ + 1]
  return wrk.format("GET", "/api/v1/cases?q=" .. p[2], {["Authorization"] = "Bearer " .. p[1]})
end

response = function(status, headers, body)
  if status ~= 200 then io.stderr:write("search: unexpected status " .. status .. "\n") end
end
