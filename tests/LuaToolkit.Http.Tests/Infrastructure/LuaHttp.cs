using System.Net;

namespace LuaToolkit.Http.Tests.Infrastructure;

/// <summary>Where test scripts call <c>http.request</c>: the module blocks and does synchronous I/O outside a
/// coroutine, and yields with asynchronous I/O inside one; tests that run in both modes cover both paths.</summary>
public enum RequestMode
{
    /// <summary>The script runs on the main thread: requests block.</summary>
    Blocking,

    /// <summary>The script runs as one coroutine under the scheduler: requests yield.</summary>
    Coroutine,
}

/// <summary>A Lua host with the http module, collecting warnings; scripts get <c>http</c> and <c>base</c>.</summary>
public sealed class LuaHttp : IDisposable
{
    public LuaHttp(Func<string, CancellationToken, Task<IPAddress[]>>? resolver = null, RequestMode mode = RequestMode.Blocking)
        : this(new HttpModule(resolver), mode) { }

    public LuaHttp(HttpModule module, RequestMode mode = RequestMode.Blocking)
    {
        Mode = mode;
        Module = module;
        Host.AddModule(HttpModule.LuaBinding, Module);
        Host.AddScheduler();
        Host.Warning += w =>
        {
            lock (Warnings) Warnings.Add(w);
        };
    }

    public LuaHost Host { get; } = new();

    public HttpModule Module { get; }

    public RequestMode Mode { get; }

    public List<string> Warnings { get; } = [];

    /// <summary>Runs <paramref name="code"/> with locals <c>http</c> and <c>base</c> (the server's base URL), in
    /// this host's <see cref="Mode"/>; returns what the code returns.</summary>
    public object?[] Run(string code, string baseUrl = "")
    {
        string prelude = $"local http = require 'http'\nlocal base = '{baseUrl}'\n";
        if (Mode == RequestMode.Blocking) return Host.DoString(prelude + code);
        return Host.DoString(prelude + $$"""
            local results
            local s = require('scheduler').new()
            s:add(function() assert(coroutine.isyieldable(), 'not in a coroutine') results = table.pack((function()
            {{code}}
            end)()) end)
            s:run()
            return table.unpack(results, 1, results.n)
            """);
    }

    /// <summary>Runs code that must raise; returns the error message.</summary>
    public string Error(string code, string baseUrl = "") =>
        Assert.Throws<LuaException>(() => Run(code, baseUrl)).Message;

    public void Dispose() => Host.Dispose();
}
