using System.Diagnostics;
using LuaToolkit.Http.Tests.Infrastructure;

namespace LuaToolkit.Http.Tests;

/// <summary>The command-line host as a user runs it: a child process, its exit code and its output.</summary>
public sealed class CliTests : ServerTest, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("luatk-cli").FullName;

    void IDisposable.Dispose() => Directory.Delete(_dir, recursive: true);

    private string Script(string name, string code)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, code);
        return path;
    }

    private static (int Exit, string Out, string Err, TimeSpan Took) Luatk(params string[] args) =>
        LuatkIn(AppContext.BaseDirectory, args);

    private static (int Exit, string Out, string Err, TimeSpan Took) LuatkIn(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(directory, "luatk.dll"));
        start.Environment.Remove("LUATOOLKIT_CALL_PATH");   // the host's own choice of call path
        foreach (var a in args) start.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("luatk did not exit within 30 s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }

    [Fact]
    public void RunsAScriptWithArgAndExitsZero()
    {
        string path = Script("args.lua", "print(#arg, arg[1], arg[2], arg[0]:match('args.lua$'))");
        var r = Luatk("run", path, "one", "two words");
        Assert.Equal(0, r.Exit);
        Assert.Equal("2\tone\ttwo words\targs.lua\n", r.Out);
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void LuaErrorsPrintTheirTracebackAndExitNonZero()
    {
        string path = Script("boom.lua", "print('before')\nlocal function f() error('boom') end\nf()\n");
        var r = Luatk("run", path);
        Assert.Equal(1, r.Exit);
        Assert.Equal("before\n", r.Out);
        Assert.StartsWith($"luatk: {path}:2: boom\nstack traceback:", r.Err);
        Assert.Contains("in local 'f'", r.Err);
    }

    [Fact]
    public void WithoutTheNativeShimTheHostFallsBackToLuaTrampolines()
    {
        string path = Script("path.lua", """
            local http = require 'http'
            local ok, message = pcall(http.request)
            print(debug.getinfo(http.request, 'S').what, message)
            """);
        // The host as built: module functions are C closures of the shim; lauxlib's wording.
        var withShim = Luatk("run", path);
        Assert.Equal("C\tbad argument #1 to 'request' (string expected, got no value)\n", withShim.Out);

        // The same host without libluatk_shim.so beside it (a machine that had no C compiler).
        string copy = Directory.CreateDirectory(Path.Combine(_dir, "no-shim")).FullName;
        CopyDirectory(AppContext.BaseDirectory, copy, skip: "libluatk_shim.so");
        var without = LuatkIn(copy, "run", path);
        Assert.Equal("", without.Err);
        Assert.Equal("Lua\tbad argument #1 to 'request' (string expected, got nil)\n", without.Out);
    }

    private static void CopyDirectory(string from, string to, string skip)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file) == skip) continue;
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public void MissingScriptExitsNonZero()
    {
        var r = Luatk("run", Path.Combine(_dir, "nope.lua"));
        Assert.Equal(1, r.Exit);
        Assert.Contains("cannot open", r.Err);
    }

    [Fact]
    public async Task PooledConnectionsDoNotHoldTheProcessAtExit()
    {
        string path = Script("pooled.lua", """
            local http = require "pluto:http"
            local body, status = http.request(arg[1] .. "/echo")
            print(status, http.hasconnection(arg[1]))
            """);
        var r = Luatk("run", path, _server.BaseUrl);
        Assert.Equal(0, r.Exit);
        Assert.Equal("200\ttrue\n", r.Out);
        Assert.True(r.Took < TimeSpan.FromSeconds(15), $"exit took {r.Took}");
        Assert.True(await _server.WaitUntilAsync(s => s.Open == 0), "the connection stayed open after exit");
    }
}
