namespace LuaToolkit.Tests;

/// <summary>
/// The success path of a call with primitive parameters and results (and <c>ReadOnlySpan&lt;byte&gt;</c> strings)
/// allocates nothing on the managed heap: the same chunk run with 0 and with 100,000 iterations allocates the same number of bytes.
/// </summary>
public sealed class AllocationTests : IDisposable
{
    private readonly TestHost _t = new();

    public void Dispose() => _t.Dispose();

    [Theory]
    [InlineData("sink.add(i, 2)")]
    [InlineData("sink.half(i)")]
    [InlineData("sink.negate(true)")]
    [InlineData("sink.min_max(i, 3)")]
    [InlineData("counter.increment(1)")]
    [InlineData("async.immediate(i)")]
    [InlineData("sink.byte_sum('hello world', 'x')")]
    public void PrimitiveCallsAllocateNothingPerCall(string call)
    {
        _t.Run($"function run_calls() for i = 1, n do local _ = {call} end end");
        long Measure(string n)
        {
            _t.Run("n = " + n);
            long before = GC.GetAllocatedBytesForCurrentThread();
            _t.Run("run_calls()");
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Measure("100000"); // warm up: JIT, tiering, first-call caches
        long none = Measure("000000");
        long many = Measure("100000");
        Assert.True(many - none <= 0, $"{call}: {many - none} bytes for 100,000 calls");
    }
}
