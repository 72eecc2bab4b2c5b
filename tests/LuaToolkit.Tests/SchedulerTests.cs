namespace LuaToolkit.Tests;

/// <summary>pluto:scheduler semantics, and a run loop that sleeps on pending work instead of spinning.</summary>
public sealed class SchedulerTests : IDisposable
{
    private readonly TestHost _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public void ConstructsThroughNewAndCall()
    {
        Assert.Equal(new object?[] { true, true, true, "pluto:scheduler" }, _t.Run("""
            local scheduler = require 'pluto:scheduler'
            local a, b = scheduler.new(), scheduler()
            return scheduler == require 'scheduler', getmetatable(a) == getmetatable(b), a ~= b, getmetatable(a).__name
            """));
    }

    [Fact]
    public void AddResumesOnceAtOnceAndReturnsTheThread()
    {
        Assert.Equal(new object?[] { "thread", "1", true, "1,2" }, _t.Run("""
            local s = require('scheduler').new()
            local log = {}
            local t = s:add(function() log[#log + 1] = '1' coroutine.yield() log[#log + 1] = '2' end)
            local after_add = table.concat(log, ',')
            local contained = s:contains(t)
            s:run()
            return type(t), after_add, contained, table.concat(log, ',')
            """));
    }

    [Fact]
    public void AddAcceptsAThreadAndRemoveDropsIt()
    {
        Assert.Equal(new object?[] { true, false, 1L }, _t.Run("""
            local s = require('scheduler').new()
            local n = 0
            local co = coroutine.create(function() while true do n = n + 1 coroutine.yield() end end)
            local t = s:add(co)
            s:remove(co)
            s:run()
            return t == co, s:contains(co), n
            """));
    }

    [Fact]
    public void AddloopRunsUntilFalse()
    {
        Assert.Equal(4L, _t.Eval("""
            local s = require('scheduler').new()
            local n = 0
            s:addloop(function() n = n + 1 if n == 4 then return false end end)
            s:run()
            return n
            """));
    }

    [Fact]
    public void ErrorsAreReraisedWithoutErrorfunc()
    {
        Assert.Equal("(string):3: bad", _t.Error("""
            local s = require('scheduler').new()
            s:add(function() coroutine.yield()
              error('bad') end)
            s:run()
            """));
        Assert.Equal("(string):2: at once", _t.Error("""
            local s = require('scheduler').new()
            s:add(function() error('at once') end)
            """));
    }

    [Fact]
    public void ErrorfuncReceivesErrors()
    {
        Assert.Equal("(string):4: oops", _t.Eval("""
            local s = require('scheduler').new()
            local seen
            s.errorfunc = function(e) seen = e end
            s:add(function() error('oops') end)
            s:run()
            return seen
            """));
    }

    [Fact]
    public void WarnsWhenValuesAreYieldedToTheScheduler()
    {
        _t.Run("local s = require('scheduler').new() s:add(function() coroutine.yield(1) end) s:run()");
        Assert.Equal(["Coroutine yielded values to scheduler. Discarding them."], _t.Warnings);
    }

    [Fact]
    public void CustomYieldfuncIsCalledBetweenRounds()
    {
        Assert.Equal(3L, _t.Eval("""
            local s = require('scheduler').new()
            local calls = 0
            s.yieldfunc = function() calls = calls + 1 end
            s:add(function() coroutine.yield() coroutine.yield() end)
            s:run()
            return calls
            """));
    }

    [Fact]
    public void RunSleepsUntilCompletionInsteadOfSpinning()
    {
        // Count every resume the scheduler makes while three coroutines wait 300 ms on async work.
        var result = _t.Run("""
            local real = coroutine.resume
            local resumes = 0
            coroutine.resume = function(...) resumes = resumes + 1 return real(...) end
            package.loaded['scheduler'] = nil
            package.loaded['pluto:scheduler'] = nil
            local scheduler = require 'scheduler'
            coroutine.resume = real
            local s = scheduler.new()
            local results = {}
            for i = 1, 3 do s:add(function() results[i] = async.delay(300) end) end
            s:run()
            return resumes, results[1], results[3]
            """);
        Assert.Equal(300L, result[1]);
        Assert.Equal(300L, result[2]);
        Assert.True((long)result[0]! < 30, $"the scheduler resumed {result[0]} times: it spins");
    }

    [Fact]
    public void RunReturnsAsSoonAsTheLastWaiterFinishes()
    {
        // Count the driver's sleeps taken after the only coroutine finished: there must be none (there
        // used to be one, waiting out its 250 ms cap).
        Assert.Equal(0L, _t.Eval("""
            local driver = require 'toolkit.driver'
            local real, trailing, co = driver.sleep, 0, nil
            driver.sleep = function(...)
              if coroutine.status(co) == 'dead' then trailing = trailing + 1 end
              return real(...)
            end
            local s = require('scheduler').new()
            co = s:add(function() async.delay(30) end)
            s:run()
            driver.sleep = real
            return trailing
            """));
    }

    [Fact]
    public void DriverTellsCustomSchedulersWhichCoroutinesWait()
    {
        // blocked(co) asks the host; blocked_at_refresh(co) answers from what refresh() last noted, which is
        // what the scheduler's rounds use (one refresh per round instead of one call per coroutine).
        var r = _t.Run("""
            local driver = require 'toolkit.driver'
            local co = coroutine.create(function() async.delay(50) end)
            coroutine.resume(co)
            driver.refresh()
            local exact, noted = driver.blocked(co), driver.blocked_at_refresh(co)
            while true do
              local seen = driver.epoch()
              if not driver.blocked(co) then break end
              driver.sleep(seen, 1000)
            end
            local stale = driver.blocked_at_refresh(co)
            driver.refresh()
            local fresh = driver.blocked_at_refresh(co)
            coroutine.resume(co)
            return exact, noted, stale, fresh, coroutine.status(co), driver.blocked(co)
            """);
        Assert.Equal([true, true, true, false, "dead", false], r);
    }

    [Fact]
    public void WaitersRunConcurrently()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = _t.Run("""
            local s = require('scheduler').new()
            local done = 0
            for i = 1, 16 do s:add(function() async.delay(200) done = done + 1 end) end
            s:run()
            return done
            """);
        Assert.Equal(16L, result[0]);
        // One after another would take 3.2 s; concurrently, about 0.2 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.6), $"16 waits of 200 ms took {clock.Elapsed}");
    }
}
