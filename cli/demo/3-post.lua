-- A POST with a body and headers: the body sets Content-Length and turns GET into POST.
local base = arg[1]
local http = require "pluto:http"
local body, status = http.request(base .. "/anything/post", {
  body = "hello from Lua",
  headers = { ["Content-Type"] = "text/plain", ["X-Demo"] = "lua-toolkit" },
})
print(status)
print(body)
