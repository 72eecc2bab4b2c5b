-- HTTP/2, an extension of ours: with `http2 = true`, concurrent requests share one connection.
-- The demo server's second port speaks HTTP/2 without TLS, so the request speaks it from the first byte.
local base, h2 = arg[1], arg[2]
local http = require "http"
local sched = require("scheduler").new()
local ok = 0
for i = 1, 50 do
  sched:add(function()
    local _, status = http.request(h2 .. "/delay/300", { http2 = true })
    if status == 200 then ok = ok + 1 end
  end)
end
sched:run()
assert(ok == 50, "some requests failed")
print(ok .. " requests of 300 ms each, all in flight at once over HTTP/2")
print("pooled: " .. tostring(http.hasconnection(h2)))
local body = http.request(h2 .. "/anything", { http2 = true })
print("the server saw " .. body:match('"protocol": "([^"]+)"'))
-- No fallback: a port that speaks only HTTP/1.1 fails the request with nil, reason, detail.
local none, reason = http.request(base .. "/anything", { http2 = true })
print("HTTP/1.1-only port:", none, reason)
