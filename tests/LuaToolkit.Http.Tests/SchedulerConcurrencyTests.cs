using System.Diagnostics;
using LuaToolkit.Http.Tests.Infrastructure;

namespace LuaToolkit.Http.Tests;

/// <summary>Requests from coroutines under pluto:scheduler run in parallel over several connections.</summary>
public sealed class SchedulerConcurrencyTests : ServerTest
{
    [Fact]
    public void SixteenCoroutinesFinishInFarLessThanSixteenDelays()
    {
        _lua.Run("assert(select(2, http.request(base .. '/delay?ms=1', { dont_reuse = true })) == 200)", _server.BaseUrl); // JIT warm-up
        var clock = Stopwatch.StartNew();
        var r = _lua.Run("""
            local scheduler = require 'pluto:scheduler'
            local s = scheduler.new()
            local ok = 0
            for i = 1, 16 do
              s:add(function()
                local body, status = http.request(base .. '/delay?ms=200')
                if status == 200 then ok = ok + 1 end
              end)
            end
            s:run()
            return ok
            """, _server.BaseUrl);
        clock.Stop();
        Assert.Equal(16L, r[0]);
        // One after another: 3.2 s. In parallel: about 0.2 s plus connection set-up.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.6), $"16 requests delayed 200 ms took {clock.Elapsed}, {_server.Accepted} connections");
        Assert.True(_server.Accepted > 1, "requests shared one connection: they ran one after another");
    }

    [Fact]
    public void AThousandRequestsFromSixteenCoroutines()
    {
        var r = _lua.Run("""
            local scheduler = require 'pluto:scheduler'
            local s = scheduler.new()
            local ok, in_flight, peak = 0, 0, 0
            for c = 1, 16 do
              s:add(function()
                for i = 1, 1000 // 16 + (c <= 1000 % 16 and 1 or 0) do
                  in_flight = in_flight + 1
                  if in_flight > peak then peak = in_flight end
                  local body, status = http.request(base .. '/delay?ms=1')
                  in_flight = in_flight - 1
                  if status == 200 then ok = ok + 1 end
                end
              end)
            end
            s:run()
            return ok, peak
            """, _server.BaseUrl);
        Assert.Equal(1000L, r[0]);
        Assert.Equal(16L, r[1]);
        // Reused, and in parallel: about one connection per coroutine. The handler's pool may open a spare
        // one at the start, when a returning connection serves a queued request before that request's own
        // connect has completed; that connect then joins the pool.
        Assert.InRange(_server.Accepted, 2, 20);
    }
}
