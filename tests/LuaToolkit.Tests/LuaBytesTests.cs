using LuaToolkit.Tests.Modules;

// These tests read leases from other threads while the test's own thread, which owns the Lua state, waits
// for them: blocking there is the point, and an async test could resume off the owning thread.
#pragma warning disable xUnit1031

namespace LuaToolkit.Tests;

/// <summary>
/// <see cref="LuaBytes"/>: a Lua string held without a copy beyond the call. Its bytes stay readable from any
/// thread until the lease is disposed or the host closes, and never after; a disposed or forgotten lease lets
/// Lua collect the string.
/// </summary>
public sealed class LuaBytesTests : IDisposable
{
    private const int Size = 8 * 1024 * 1024;
    private readonly LuaHost _lua = new();
    private readonly Keeper _keeper = new();

    public LuaBytesTests()
    {
        _lua.AddModule(Keeper.LuaBinding, _keeper);
        _lua.DoString($"keeper = require 'keeper'; size = {Size}");
    }

    public void Dispose() => _lua.Dispose();

    private static byte Pattern(long i) => (byte)(i * 7 % 251);

    /// <summary>Makes a fresh string of <see cref="Size"/> bytes (byte i = i * 7 mod 251) and passes it to keeper.keep.</summary>
    private const string KeepFreshString = """
        local t = {}
        for i = 0, size - 1, 4096 do
          local chunk = {}
          for j = i, math.min(i + 4095, size - 1) do chunk[#chunk + 1] = string.char(j * 7 % 251) end
          t[#t + 1] = table.concat(chunk)
        end
        return keeper.keep(table.concat(t))
        """;

    private double LuaKilobytes() => Convert.ToDouble(_lua.DoString("collectgarbage(); collectgarbage(); return collectgarbage('count')")[0]);

    [Fact]
    public void TheBytesOutliveTheCallAndEveryLuaReferenceToThem()
    {
        Assert.Equal((long)Size, _lua.DoString(KeepFreshString)[0]);
        // No Lua value refers to the string any more: only the lease keeps it.
        LuaKilobytes();
        var lease = Assert.Single(_keeper.Kept);
        byte[] read = Task.Run(() =>
        {
            using var stream = lease.OpenRead();
            var copy = new MemoryStream();
            stream.CopyTo(copy, 5000); // odd-sized chunks
            return copy.ToArray();
        }).Result;
        Assert.Equal(Size, read.Length);
        for (int i = 0; i < Size; i++)
            if (read[i] != Pattern(i)) Assert.Fail($"byte {i} is {read[i]}, expected {Pattern(i)}");
    }

    [Fact]
    public void DisposingTheLeaseEndsReadsAndLetsLuaCollectTheString()
    {
        double empty = LuaKilobytes();
        _lua.DoString(KeepFreshString);
        double held = LuaKilobytes();
        Assert.True(held - empty > Size / 1024 * 0.9, $"held {held - empty} KB");

        var lease = Assert.Single(_keeper.Kept);
        Task.Run(lease.Dispose).Wait(); // any thread may dispose
        Assert.True(lease.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => lease.CopyTo(0, new byte[16]));
        lease.Dispose(); // twice is fine

        // The reference is dropped at the host's next call that can take it (here: the next lease).
        _lua.DoString("keeper.forget('x')");
        double after = LuaKilobytes();
        Assert.True(after - empty < Size / 1024 * 0.1, $"still {after - empty} KB after dispose");
    }

    [Fact]
    public void ALeaseNobodyDisposedIsReleasedByItsFinalizer()
    {
        double empty = LuaKilobytes();
        _lua.DoString(KeepFreshString.Replace("keeper.keep", "keeper.forget"));
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        _lua.DoString("keeper.forget('x')");
        double after = LuaKilobytes();
        Assert.True(after - empty < Size / 1024 * 0.1, $"still {after - empty} KB: the forgotten lease kept the string");
    }

    [Fact]
    public void ClosingTheHostEndsEveryLeaseBeforeTheStateIsFreed()
    {
        _lua.DoString(KeepFreshString);
        var lease = Assert.Single(_keeper.Kept);
        Assert.Equal(16, lease.CopyTo(0, new byte[16]));
        _lua.Dispose();
        Assert.True(lease.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => lease.CopyTo(0, new byte[16]));
        lease.Dispose(); // after the host: nothing to release, and no crash
    }

    [Fact]
    public void ReadsRacingTheHostsCloseNeverSeeFreedMemory()
    {
        _lua.DoString(KeepFreshString);
        var lease = Assert.Single(_keeper.Kept);
        using var started = new ManualResetEventSlim();
        var reader = Task.Run(() =>
        {
            var buffer = new byte[64 * 1024];
            long bytes = 0;
            started.Set();
            try
            {
                while (true)
                {
                    for (long at = 0; at < Size; at += buffer.Length)
                    {
                        int n = lease.CopyTo(at, buffer);
                        for (int i = 0; i < n; i++)
                            if (buffer[i] != Pattern(at + i)) return $"wrong byte at {at + i}";
                        bytes += n;
                    }
                }
            }
            catch (ObjectDisposedException)
            {
                return bytes > 0 ? "ended" : "ended before reading";
            }
        });
        started.Wait();
        Thread.Sleep(50);
        _lua.Dispose();
        Assert.Equal("ended", reader.Result);
    }

    [Fact]
    public void ALeasedParameterTakesStringsAndNumbersOnly()
    {
        Assert.Equal("abc", _lua.DoString("return keeper.echo('abc')")[0]);
        Assert.Equal("42", _lua.DoString("return keeper.echo(42)")[0]);
        var error = Assert.Throws<LuaException>(() => _lua.DoString("keeper.keep({})")).Message;
        Assert.Contains("bad argument #1 to 'keep' (string expected, got table)", error);
        error = Assert.Throws<LuaException>(() => _lua.DoString("keeper.keep()")).Message;
        // A fixed-arity Lua trampoline (LUATOOLKIT_CALL_PATH=lua) can only pass nil for a missing argument.
        string missing = _lua.CallPath == LuaCallPath.NativeShim ? "no value" : "nil";
        Assert.Contains($"bad argument #1 to 'keep' (string expected, got {missing})", error);
    }
}
