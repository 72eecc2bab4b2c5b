-- Failures return nil, reason (and a third value with the detail); they do not raise.
local base = arg[1]
local http = require "pluto:http"
print("refused port:", http.request("http://127.0.0.1:1/"))
print("timeout:     ", http.request(base .. "/delay/2000", { timeout = 0.3 }))
print("bad scheme:  ", http.request("ftp://127.0.0.1/"))
-- Bad arguments are errors, in Lua's own words.
print("bad argument:", pcall(http.request, nil))
