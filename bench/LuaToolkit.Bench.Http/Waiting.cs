using System.Globalization;
using System.Net;

namespace LuaToolkit.Bench.Http;

// Item 5: many waiting coroutines, over HTTP/1.1 (one connection per request) and over HTTP/2 (requests share
// connections, up to the server's 100 streams each). Each side runs in a fresh child process
// (`waiting-case lua|hc <url> <count> 1.1|2`), so each peak working set is its own.
internal sealed partial class Bench
{
    public async Task Waiting(int count)
    {
        Console.WriteLine($"item 5: {count} requests in flight at once, GET /slow (server holds every response 1 s)");
        Console.WriteLine("  ours: one coroutine per request under one scheduler; HttpClient: one task per request");
        Console.WriteLine("target: total memory < 200 MB (peak working set of the process, absolute and above its baseline)");
        await WaitingOver("HTTP/1.1", baseUrl, "1.1", count);
        if (http2BaseUrl is not null) await WaitingOver("HTTP/2 (option http2 = true; HttpClient with version 2.0)", http2BaseUrl, "2", count);
    }

    private async Task WaitingOver(string protocol, string url, string version, int count)
    {
        string n = count.ToString(CultureInfo.InvariantCulture);
        Console.WriteLine(protocol + ":");
        if (await RunCase("waiting-case", "lua", url, n, version) is not { } lua) return;
        if (await RunCase("waiting-case", "hc", url, n, version) is not { } hc) return;
        const double MiB = 1024 * 1024;
        // RESULT seconds baselineBytes peakBytes
        foreach (var (name, r) in new[] { ("ours", lua), ("HttpClient", hc) })
            Console.WriteLine($"  {name,-10} {r[0],5:F2} s to completion (floor 1 s); peak {r[2] / MiB,4:F0} MiB = {r[2] / 1e6,4:F0} MB absolute, " +
                              $"{(r[2] - r[1]) / MiB,4:F0} MiB above its baseline of {r[1] / MiB:F0} MiB");
        Console.WriteLine($"  ours: {(lua[2] / 1e6 < 200 ? "met" : "MISSED")} on the absolute figure, {((lua[2] - lua[1]) / 1e6 < 200 ? "met" : "MISSED")} above baseline; " +
                          $"peak memory ours / HttpClient: {lua[2] / hc[2]:F2}x absolute, {(lua[2] - lua[1]) / (hc[2] - hc[1]):F2}x above baseline");
    }

    /// <summary>One side of item 5 in this (child) process; prints RESULT and exits 0 only if every response checked out.</summary>
    public static int WaitingCase(string which, string baseUrl, int count, bool http2)
    {
        string slow = baseUrl + "/slow";
        string? Wrong(int wrong) => wrong == 0 ? null : $"{which}: {wrong} of {count} responses wrong";
        if (which == "lua")
        {
            using var lua = NewLua();
            WarmUp(lua, baseUrl, http2);   // over the protocol measured, so its code is compiled before the baseline
            GC.Collect();
            return Measure(() => Convert.ToInt32(lua.DoString(Bind("""
                local url, k, h2 = ...
                local http = require 'http'
                local s = require('scheduler').new()
                local wrong = 0
                for c = 1, k do
                  s:add(function()
                    local body, status = http.request(url, { timeout = 120, http2 = h2 })
                    if status ~= 200 or body ~= "hello world\n" then
                      wrong = wrong + 1
                      if wrong <= 3 then print("failure:", body, status) end
                    end
                  end)
                end
                s:run()
                return wrong
                """, slow, count, http2))[0], CultureInfo.InvariantCulture), Wrong);
        }
        // HttpClient as one would set it up for many requests over HTTP/2: more than one connection when a
        // server caps its streams, as the module's handler does.
        using var client = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
        {
            Timeout = TimeSpan.FromSeconds(120),
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        client.GetByteArrayAsync(baseUrl + "/hello").GetAwaiter().GetResult();
        GC.Collect();
        return Measure(() =>
        {
            var tasks = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
            {
                using var response = await client.GetAsync(slow).ConfigureAwait(false);
                byte[] body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                return response.StatusCode == HttpStatusCode.OK && body.AsSpan().SequenceEqual("hello world\n"u8);
            })).ToArray();
            return Task.WhenAll(tasks).GetAwaiter().GetResult().Count(ok => !ok);
        }, Wrong);
    }
}
