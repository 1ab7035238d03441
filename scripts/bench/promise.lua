-- POST /api/v1/cases/{id}/promises: a durable write on an open case.  Each line of BENCH_OPEN is
-- "TOKEN CASE_ID" (an open case of that token's organization).
local pairs_ = {}
local f = assert(io.open(os.getenv("BENCH_OPEN"), "r"))
for line in f:lines() do
  local tok, id = string.match(line, "^(%S+)%s+(%S+)$")
  if tok then pairs_[#pairs_ + 1] = {tok, id} end
end
f:close()
local n = 0
local due = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() + 30 * 86400)

request = function()
  n = n + 1
  local p = pairs_[n % #pairs_ + 1]
  local body = string.format('{"what":"We call you back about it (%d)","due_at":"%s","channel":"phone"}', n, due)
  return wrk.format("POST", "/api/v1/cases/" .. p[2] .. "/promises",
                    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. p[1]}, body)
end

response = function(status, headers, body)
  if status ~= 201 then
    io.stderr:write("promise: unexpected status " .. status .. " " .. string.sub(body, 1, 200) .. "\n")
  end
end
