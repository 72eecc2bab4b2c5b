-- closeconnections must run inside a coroutine: it lets an in-flight request finish, then returns.
local base = arg[1]
local http = require "pluto:http"
local scheduler = require "pluto:scheduler"
local sched = scheduler.new()
http.request(base .. "/anything")
print("pooled after a request: " .. tostring(http.hasconnection(base)))
sched:add(function()
  local _, status = http.request(base .. "/delay/200")
  print("in-flight request completed with " .. status)
end)
sched:add(function()
  http.closeconnections()
  print("closeconnections returned")
  print("pooled after closeconnections: " .. tostring(http.hasconnection(base)))
end)
sched:run()
print("outside a coroutine:", pcall(http.closeconnections))
