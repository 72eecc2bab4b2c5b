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

-- One round resumes every suspended coroutine except those still waiting for an operation that has not
-- completed (resuming those would only make them yield again: skipping them is not observable, and keeps
-- a round's cost to the coroutines that can make progress). Returns whether any coroutine was suspended
-- when the round began (Pluto runs another round then), whether any still is, and whether all of those
-- wait for pending work.
local function round(self)
  -- driver.blocked_at_refresh(coro), inlined below: a round asks it up to twice per coroutine.
  local waiting, done = driver.waiting, driver.done
  driver.refresh()
  local live, suspended, all_blocked = false, false, true
  for i, coro in pairs(self.coros) do
    local s = status(coro)
    if s == "suspended" then
      live = true
      local r = waiting[coro]
      local h = r and r[1]
      if h == nil or done[h] then
        self:internalresume(coro)
        s = status(coro)
        if s == "suspended" and all_blocked then
          r = waiting[coro]
          h = r and r[1]
          if h == nil or done[h] then all_blocked = false end
        end
      end
      if s == "suspended" then suspended = true end
    elseif s == "dead" then
      self.coros[i] = nil
    end
  end
  return live, suspended, all_blocked
end

function scheduler:run()
  repeat
    local epoch = driver.epoch()
    local live, suspended, all_blocked = round(self)
    if self.yieldfunc ~= default_yieldfunc then
      driver.sleep(epoch, 0)   -- handles ready I/O without waiting, so pending operations progress
      self.yieldfunc()
    elseif suspended then
      -- Nothing can progress until an operation completes: sleep until one does (250 ms cap, so a
      -- coroutine resumed by other means is seen); otherwise at most 1 ms, as Pluto's default yieldfunc.
      driver.sleep(epoch, all_blocked and 250 or 1)
    end
  until not live
end

return setmetatable(scheduler, { __call = function() return scheduler.new() end })
