-- GET /api/v1/cases/{id}: each line of BENCH_READS is "TOKEN CASE_ID" (a case of that token's
-- organization); requests cycle through them.
local pairs_ = {}
local f = assert(io.open(os.getenv("BENCH_READS"), "r"))
for line in f:lines() do
  local tok, id = string.match(line, "^(%S+)%s+(%S+)$")
  if tok then pairs_[#pairs_ + 1] = {tok, id} end
end
f:close()
local n = 0

request = function()
  n = n + 1
  local p = pairs_[n % #pairs_ + 1]
  return wrk.format("GET", "/api/v1/cases/" .. p[2], {["Authorization"] = "Bearer " .. p[1]})
end

response = function(status, headers, body)
  if status ~= 200 then io.stderr:write("read: unexpected status " .. status .. "\n") end
end
