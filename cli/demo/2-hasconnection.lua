-- The seed's second example: a loop under the scheduler watches hasconnection turn from false to
-- true while a request opens the connection. (The seed's loop never ends; this one stops after the
-- request, and prints only when the answer changes.)
local base = arg[1]
local http = require "pluto:http"
local scheduler = require "pluto:scheduler"
local sched = scheduler.new()
local done, last = false, nil
sched:addloop(function()
  local now = http.hasconnection(base)
  if now ~= last then print("hasconnection: " .. tostring(now)) last = now end
  if done then return false end
end)
sched:add(function()
  local body = http.request(base .. "/anything")
  print("request finished, " .. #body .. " bytes")
  done = true
end)
sched:run()
