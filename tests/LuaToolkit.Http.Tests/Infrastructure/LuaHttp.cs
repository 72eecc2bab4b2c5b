using System.Net;

namespace LuaToolkit.Http.Tests.Infrastructure;

/// <summary>A Lua host with the http module, collecting warnings; scripts get <c>http</c> and <c>base</c>.</summary>
public sealed class LuaHttp : IDisposable
{
    public LuaHttp(Func<string, CancellationToken, Task<IPAddress[]>>? resolver = null)
        : this(new HttpModule(resolver)) { }

    public LuaHttp(HttpModule module)
    {
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

    public List<string> Warnings { get; } = [];

    /// <summary>Runs <paramref name="code"/> with locals <c>http</c> and <c>base</c> (the server's base URL).</summary>
    public object?[] Run(string code, string baseUrl = "") =>
        Host.DoString($"local http = require 'http'\nlocal base = '{baseUrl}'\n{code}");

    /// <summary>Runs code that must raise; returns the error message.</summary>
    public string Error(string code, string baseUrl = "") =>
        Assert.Throws<LuaException>(() => Run(code, baseUrl)).Message;

    public void Dispose() => Host.Dispose();
}
