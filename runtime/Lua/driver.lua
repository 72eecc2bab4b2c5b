-- The coroutine driver. Lua trampolines call `signal` / `tail` when a managed entry point
-- returns the sentinel: a string is raised as an error at the caller's level, an integer is a
-- pending operation to wait for. Every step is a tail call, so `error(msg, 2)` names the script line
-- that called the module function. The native shim calls `wait` for a pending operation and handles
-- a SIGNAL, message result itself.
local SIGNAL, poll, block, collect, forget, epoch, sleep, report = ...
local isyieldable, running, yield = coroutine.isyieldable, coroutine.running, coroutine.yield
local mathtype, error, select, setmetatable = math.type, error, select, setmetatable

-- handle -> true once its operation is known to have completed (set by `report`, cleared when the waiting ends)
local done = {}

-- Forgets the wait of a record whose coroutine will never look again: closed while it waited
-- (coroutine.close runs the record's __close), or dropped without being closed (its __gc).
local function forget_wait(r)
  local h = r[1]
  if h then
    r[1] = nil
    done[h] = nil
    forget(h)
  end
end

-- A coroutine's wait record: [1] is the handle of the operation it waits for, nil between waits.
local record_meta = { __gc = forget_wait, __close = forget_wait }

-- coroutine -> its wait record. Weak keys make this an ephemeron table: a record is garbage exactly when
-- its coroutine is, so an abandoned coroutine is not kept alive, and its record's finalizer cleans up.
local waiting = setmetatable({}, { __mode = "k" })

-- The handle `co` waits for, or nil.
local function handle_of(co)
  local r = waiting[co]
  return r and r[1]
end

local signal, tail

-- Waits for operation h (yielding inside a yieldable coroutine, blocking outside); returns its raw results.
local function wait(h)
  if not isyieldable() then
    block(h)
    return collect(h)
  end
  local co = running()
  local r = waiting[co]
  if not r then
    r = setmetatable({}, record_meta)
    waiting[co] = r
  end
  r[1] = h
  do
    local _ <close> = r   -- closing the coroutine here forgets h
    -- Yield zero values; resumed early (by any plain resume loop), yield again. Each look also handles
    -- the event loop's ready sockets, so a resume loop that never sleeps still sees I/O progress.
    -- A scheduler resumes us once `refresh` has marked h done: then there is nothing to ask the host.
    repeat yield() until done[h] or poll(h, true)
    r[1] = nil
    done[h] = nil
  end
  return collect(h)
end

local function await(h)
  return tail(wait(h))
end

function signal(x)
  if mathtype(x) == "integer" then return await(x) end
  error(x, 2)
end

function tail(...)
  if ... == SIGNAL then return signal(select(2, ...)) end
  return ...
end

-- What schedulers need to sleep instead of spinning.
local driver = {}

--- True when `co` is suspended waiting for an operation that has not completed yet.
function driver.blocked(co)
  local h = handle_of(co)
  return h ~= nil and not done[h] and not poll(h)
end

--- Notes which operations have completed since the last call (cheap when none has).
function driver.refresh()
  report(done)
end

--- `blocked` as of the last `refresh`, without asking the host: for a scheduler that refreshes once per
--- round and then looks at many coroutines. A completion after the refresh moves the epoch, so a sleep
--- until the epoch moves returns at once and the next round sees it.
function driver.blocked_at_refresh(co)
  -- handle_of, inlined: a scheduler round calls this for every coroutine (scheduler.lua inlines this
  -- function in turn, through driver.waiting and driver.done: a change here is a change there)
  local r = waiting[co]
  local h = r and r[1]
  return h ~= nil and not done[h]
end

--- The tables behind `blocked_at_refresh`, for a scheduler that inlines it (read them, never write):
--- `waiting[co]` is the coroutine's record or nil, its [1] the handle it waits for or nil, and
--- `done[handle]` is true once `refresh` has seen that operation complete.
driver.waiting, driver.done = waiting, done

--- A counter that moves whenever any pending operation completes.
driver.epoch = epoch

--- Sleeps until the epoch moves past `seen`, or `ms` milliseconds pass (negative: no limit).
driver.sleep = sleep

return signal, tail, wait, driver
