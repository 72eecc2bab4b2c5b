-- pluto:scheduler for Lua 5.4: Pluto's scheduler class, with one change to its default `yieldfunc`.
-- Pluto sleeps 1 ms between rounds; here, when every suspended coroutine waits on pending async work,
-- `run` sleeps until one of those operations completes (never spinning), and otherwise waits at most
-- 1 ms (returning early on a completion). A user-set `yieldfunc` is called exactly as in Pluto.
local driver = require "toolkit.driver"
local create, resume, status = coroutine.create, coroutine.resume, coroutine.status
local pairs, select, type, warn, error, setmetatable = pairs, select, type, warn, error, setmetatable

local DISCARDED = "Coroutine yielded values to scheduler. Discarding them."

local scheduler = {}
scheduler.__index = scheduler
scheduler.__name = "pluto:scheduler"

local function default_yieldfunc() end
scheduler.yieldfunc = default_yieldfunc

function scheduler.new()
  return setmetatable({ coros = {} }, scheduler)
end

-- Without errorfunc an error is re-raised (Pluto's coroutine.xresume); with it, errorfunc gets it.
local function finish(self, ok, ...)
  if not ok then
    if self.errorfunc then return self.errorfunc((...)) end
    error((...), 0)
  end
  if select("#", ...) ~= 0 and (not self.errorfunc or (...) ~= nil) then warn(DISCARDED) end
end

function scheduler:internalresume(coro)
  return finish(self, resume(coro))
end

function scheduler:add(t)
  if type(t) ~= "thread" then t = create(t) end
  self.coros[#self.coros + 1] = t
  self:internalresume(t)
  return t
end

function scheduler:addloop(f)
  return self:add(function()
    while f() ~= false do coroutine.yield() end
  end)
end

function scheduler:contains(needle)
  for _, t in pairs(self.coros) do
    if t == needle then return true end
  end
  return false
end

function scheduler:remove(needle)
  for i, t in pairs(self.coros) do
    if t == needle then
      self.coros[i] = nil
      return
    end
  end
end

-- Sleeps until pending work completes when nothing else can make progress.
-- Nothing suspended (the last ones just finished): no sleep, the next round ends the run.
local function wait(self, epoch)
  local suspended, all_blocked = false, true
  for _, coro in pairs(self.coros) do
    if status(coro) == "suspended" then
      suspended = true
      if not driver.blocked(coro) then
        all_blocked = false
        break
      end
    end
  end
  if suspended then driver.sleep(epoch, all_blocked and 250 or 1) end
end

function scheduler:run()
  local all_dead
  repeat
    all_dead = true
    local epoch = driver.epoch()
    for i, coro in pairs(self.coros) do
      local s = status(coro)
      if s == "suspended" then
        self:internalresume(coro)
        all_dead = false
      elseif s == "dead" then
        self.coros[i] = nil
      end
    end
    if self.yieldfunc == default_yieldfunc then
      if not all_dead then wait(self, epoch) end
    else
      self.yieldfunc()
    end
  until all_dead
end

return setmetatable(scheduler, { __call = function() return scheduler.new() end })
