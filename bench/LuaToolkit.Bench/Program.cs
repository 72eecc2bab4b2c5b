using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LuaToolkit.Bench;

string which = args.Length > 0 ? args[0] : "";
if (which == "generator")
    return GeneratorCost.Run();
if (which != "calls" && which != "async")
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/LuaToolkit.Bench -- calls|async|generator [BenchmarkDotNet args]");
    return 2;
}

// In-process (no generated project per benchmark) and short: each op is already 1e6 calls.
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(3)
    .WithIterationCount(10)
    .WithInvocationCount(1)
    .WithUnrollFactor(1)
    .WithId("short-inproc");
var config = DefaultConfig.Instance
    .AddJob(job)
    .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.JoinSummary);

if (which == "async")
    return Report.Print(BenchmarkRunner.Run<AsyncOverhead>(config, args[1..]), "Async call overhead (from a coroutine under the scheduler)",
    [
        ("async add_now / sync add", "Async_AddNow", "Sync_Add"),
        ("async add_later / sync add", "Async_AddLater", "Sync_Add"),
        ("async add_later / async add_now", "Async_AddLater", "Async_AddNow"),
        ("async add_deferred / sync add", "Async_AddDeferred", "Sync_Add"),
    ]);

Summary summary = BenchmarkRunner.Run<CallOverhead>(config, args[1..]);
return Report.Print(summary);

static class Report
{
    /// <summary>Median ns and bytes per operation of every benchmark that ran, and the names of those that failed.</summary>
    private static (Dictionary<string, double> Ns, Dictionary<string, long?> Bytes, List<string> Failed) Collect(Summary summary)
    {
        var ns = new Dictionary<string, double>();
        var bytes = new Dictionary<string, long?>();
        var failed = new List<string>();
        foreach (BenchmarkReport r in summary.Reports)
        {
            string name = r.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            if (!r.Success || r.ResultStatistics is null) { failed.Add(name); continue; }
            ns[name] = r.ResultStatistics.Median;
            bytes[name] = r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase);
        }
        foreach (var c in summary.BenchmarksCases)
            if (!summary.Reports.Any(r => r.BenchmarkCase == c)) failed.Add(c.Descriptor.WorkloadMethod.Name);
        return (ns, bytes, failed);
    }

    /// <summary>Generic report: ns and bytes per call for every benchmark, then the given ratios.</summary>
    public static int Print(Summary summary, string title, (string Label, string Num, string Den)[] ratios)
    {
        var (ns, bytes, failed) = Collect(summary);

        Console.WriteLine();
        Console.WriteLine($"{title}, median ns per call (bytes allocated per call):");
        foreach (var (name, v) in ns)
            Console.WriteLine($"  {name,-18} {v,9:F1} ns  {bytes[name]?.ToString() ?? "?",5} B");
        Console.WriteLine();
        Console.WriteLine("Ratios:");
        foreach (var (label, num, den) in ratios)
        {
            if (ns.TryGetValue(num, out double a) && ns.TryGetValue(den, out double d) && d > 0)
                Console.WriteLine($"  {label,-38} {a / d,8:F2}x");
            else
                Console.WriteLine($"  {label,-38}      n/a");
        }
        if (failed.Count > 0 || summary.HasCriticalValidationErrors)
        {
            Console.Error.WriteLine($"FAILED benchmarks: {string.Join(", ", failed.Distinct())}"
                + (summary.HasCriticalValidationErrors ? " (critical validation errors)" : ""));
            return 1;
        }
        return 0;
    }

    public static int Print(Summary summary)
    {
        var (ns, bytes, failed) = Collect(summary);

        Console.WriteLine();
        Console.WriteLine("Call overhead, median ns per call (bytes allocated per call):");
        foreach (var (name, v) in ns)
            Console.WriteLine($"  {name,-18} {v,8:F1} ns  {bytes[name]?.ToString() ?? "?",4} B");

        Console.WriteLine();
        Console.WriteLine("Ratios:");
        Ratio("generated add / native C math.max", "Generated_Add", "NativeC_MathMax", "target <= 1.5", r => r <= 1.5);
        Ratio("trampoline path add / native C math.max", "Trampoline_Add", "NativeC_MathMax", null, null);
        Ratio("entry point alone (no shim) / native C", "Direct_Add", "NativeC_MathMax", null, null);
        Ratio("generated add / Lua function add", "Generated_Add", "LuaFunction_Add", null, null);
        Ratio("NLua add / generated add", "NLua_Add", "Generated_Add", "target >= 30", r => r >= 30);
        Ratio("KeraLua delegate add / generated add", "KeraLua_Add", "Generated_Add", null, null);
        Ratio("generated mix / Lua function mix", "Generated_Mix", "LuaFunction_Mix", null, null);
        Ratio("trampoline path mix / generated mix", "Trampoline_Mix", "Generated_Mix", null, null);
        Ratio("generated mix, span / Lua function mix", "Generated_MixSpan", "LuaFunction_Mix", null, null);
        Ratio("NLua mix / generated mix", "NLua_Mix", "Generated_Mix", "target >= 30", r => r >= 30);
        Ratio("KeraLua delegate mix / generated mix", "KeraLua_Mix", "Generated_Mix", null, null);
        if (bytes.TryGetValue("Generated_Add", out long? b) && b is not null)
            Console.WriteLine($"  {"generated add bytes/call",-38} {b,7}    target 0: {(b == 0 ? "met" : "NOT met")}");

        if (failed.Count > 0 || summary.HasCriticalValidationErrors)
        {
            Console.Error.WriteLine($"FAILED benchmarks: {string.Join(", ", failed.Distinct())}"
                + (summary.HasCriticalValidationErrors ? " (critical validation errors)" : ""));
            return 1;
        }
        return 0;

        void Ratio(string label, string num, string den, string? target, Func<double, bool>? met)
        {
            if (!ns.TryGetValue(num, out double a) || !ns.TryGetValue(den, out double d) || d <= 0)
            {
                Console.WriteLine($"  {label,-38}     n/a");
                return;
            }
            double r = a / d;
            string verdict = met is null ? "" : $"   {target}: {(met(r) ? "met" : "NOT met")}";
            Console.WriteLine($"  {label,-38} {r,7:F2}x{verdict}");
        }
    }
}
