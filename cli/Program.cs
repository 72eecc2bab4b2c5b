using LuaToolkit;
using LuaToolkit.Cli;
using LuaToolkit.Http;

// luatk run <script.lua> [args...]   runs a Lua file with `http` and `scheduler` available
// luatk demo                         runs the offline http demo against an in-process loopback server
return args switch
{
    ["run", var script, .. var rest] => ScriptRunner.Run(script, rest),
    ["demo", ..] => await Demo.RunAsync(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: luatk run <script.lua> [args...]");
    Console.Error.WriteLine("       luatk demo");
    return 2;
}

namespace LuaToolkit.Cli
{
    /// <summary>Runs one Lua file in a fresh state, as the standalone interpreter would.</summary>
    internal static class ScriptRunner
    {
        public static int Run(string script, string[] args)
        {
            if (!File.Exists(script))
            {
                Console.Error.WriteLine($"luatk: cannot open {script}");
                return 1;
            }
            using var lua = CreateHost();
            try
            {
                lua.DoFile(script, args);
                return 0;
            }
            catch (LuaException ex)
            {
                Console.Out.Flush();
                Console.Error.WriteLine("luatk: " + ex.LuaTraceback);
                return 1;
            }
        }

        /// <summary>A state with the http module and the scheduler registered.</summary>
        public static LuaHost CreateHost()
        {
            var lua = new LuaHost();
            lua.AddModule(HttpModule.LuaBinding);
            lua.AddScheduler();
            return lua;
        }
    }
}
