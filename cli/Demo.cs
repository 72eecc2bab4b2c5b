namespace LuaToolkit.Cli;

/// <summary>
/// The offline demo: starts a loopback HTTP server in this process and runs each example script of
/// demo/ against it in a fresh Lua state, printing what each script prints. Scripts get the server's base
/// URL as <c>arg[1]</c> and its HTTP/2 port's as <c>arg[2]</c>.
/// </summary>
internal static class Demo
{
    public static async Task<int> RunAsync()
    {
        await using var server = await DemoServer.StartAsync();
        string dir = Path.Combine(AppContext.BaseDirectory, "demo");
        int failures = 0;
        foreach (var script in Directory.GetFiles(dir, "*.lua").Order(StringComparer.Ordinal))
        {
            Console.WriteLine();
            Console.WriteLine($"=== {Path.GetFileName(script)} ===");
            // Scripts run on their own thread so the server's continuations never wait on them.
            int code = await Task.Factory.StartNew(() => ScriptRunner.Run(script, [server.BaseUrl, server.Http2BaseUrl]),
                TaskCreationOptions.LongRunning);
            if (code != 0) failures++;
        }
        Console.WriteLine();
        Console.WriteLine(failures == 0 ? "demo: all examples ran" : $"demo: {failures} example(s) failed");
        return failures == 0 ? 0 : 1;
    }
}
