-- POST /api/v1/cases with a Bearer token chosen per request from BENCH_TOKENS (comma-separated):
-- durable case creation across several organizations.
local tokens = {}
for t in string.gmatch(os.getenv("BENCH_TOKENS") or "", "[^,]+") do tokens[#tokens + 1] = t end
local n = 0
local channels = {"chat", "phone", "email", "web", "store"}

request = function()
  n = n + 1
  local body = string.format('{"subject":"Benchmark case %d","channel":"%s","customer_name":"Bench Customer %d",' ..
    '"customer_email":"bench%d@example.com","summary":"Opened by the benchmark"}', n, channels[n % 5 + 1], n, n)
  local headers = {["Content-Type"] = "application/json",
                   ["Authorization"] = "Bearer " .. tokens[n % #tokens + 1]}
  return wrk.format("POST", "/api/v1/cases", headers, body)
end

response = function(status, headers, body)
  if status ~= 201 then
    io.stderr:write("create: unexpected status " .. status .. " " .. string.sub(body, 1, 200) .. "\n")
  end
end
