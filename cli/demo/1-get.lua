-- The seed's first example: a GET that the server echoes back.
local base = arg[1]
local http = require "pluto:http"
local body, status_code, headers, status_text = http.request(base .. "/anything")
print(status_code .. " " .. status_text)
print("Content-Type: " .. headers["content-type"])
print(body)
