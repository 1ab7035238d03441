-- GET /api/v1/cases/{id}: each line of BENCH_READS is "TOKEN CASE_ID" (a case of that token's
-- organization); requests cycle through them, each request's text made once (wrk.format at every
-- request cost the client as much CPU as a kept page costs the server: on two shared cores that
-- was measured as the server's).
local pairs_ = {}
local f = assert(io.open(os.getenv("BENCH_READS"), "r"))
for line in f:lines() do
  local tok, id = string.match(line, "^(%S+)%s+(%S+)$")
  if tok then pairs_[#pairs_ + 1] = {tok, id} end
end
f:close()
local reqs = {}
for i, p in ipairs(pairs_) do
  reqs[i] = wrk.format("GET", "/api/v1/cases/" .. p[2], {["Authorization"] = "Bearer " .. p[1]})
end
local n = 0

request = function()
  n = n + 1
  return reqs[n % #reqs + 1]
end

response = function(status, headers, body)
  if status ~= 200 then io.stderr:write("read: unexpected status " .. status .. "\n") end
end
