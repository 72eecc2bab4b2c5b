using System.Runtime.CompilerServices;

namespace TestSupport;

/// <summary>
/// Scripts called outside a coroutine block their thread until async work completes, and xunit runs
/// test classes in parallel on pool threads: on a 2-core machine the default pool minimum starves the
/// completions those threads wait for. Start the pool wide enough for the tests' own blocking.
/// </summary>
internal static class TestThreadPool
{
    [ModuleInitializer]
    internal static void Widen()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
