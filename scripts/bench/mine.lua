-- GET /api/v1/cases?mine=true&status=open: "my open cases" for agents of several organizations.
local tokens = {}
for t in string.gmatch(os.getenv("BENCH_TOKENS") or "", "[^,]+") do tokens[#tokens + 1] = t end
local n = 0

request = function()
  n = n + 1
  return wrk.format("GET", "/api/v1/cases?mine=true&status=open" .. (MINE_LIMIT and ("&limit=" .. MINE_LIMIT) or ""),
                    {["Authorization"] = "Bearer " .. tokens[n % #tokens + 1]})
end

response = function(status, headers, body)
  if status ~= 200 then io.stderr:write("mine: unexpected status " .. status .. "\n") end
end
