namespace LuaToolkit;

/// <summary>
/// The bytes of a Lua string, held without copying them: a parameter or option of this type keeps the
/// string alive (a registry reference) and readable from any thread until <see cref="Dispose"/>. Use it
/// for large inputs that outlive the call, such as a request body sent while the script goes on.
/// <para>
/// Lua never moves a string, so its bytes stay where they are while the reference holds. Every read
/// copies under a lock that <see cref="Dispose"/> and the host's closing also take, so no read is ever
/// under way when the string may be freed. After either, reads throw <see cref="ObjectDisposedException"/>.
/// The reference itself is dropped on the Lua thread (registry edits are not thread-safe): at the next async
/// call, the next lease, or when a coroutine collects an async result. A lease never disposed is released by its finalizer, later.
/// </para>
/// </summary>
public sealed unsafe class LuaBytes : IDisposable
{
    private readonly LuaLeases _owner;
    private readonly int _reference;
    private readonly Lock _gate = new();
    private byte* _bytes;

    internal LuaBytes(LuaLeases owner, int reference, byte* bytes, int length)
    {
        _owner = owner;
        _reference = reference;
        _bytes = bytes;
        Length = length;
    }

    ~LuaBytes() => Dispose();

    /// <summary>The string's length in bytes.</summary>
    public int Length { get; }

    /// <summary>Whether the bytes can no longer be read (disposed, or the host closed).</summary>
    public bool IsReleased
    {
        get { lock (_gate) return _bytes == null; }
    }

    /// <summary>Copies bytes from <paramref name="offset"/> into <paramref name="destination"/>; returns how many.</summary>
    public int CopyTo(long offset, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_bytes == null, this);
            if (offset >= Length) return 0;
            int n = (int)Math.Min(destination.Length, Length - offset);
            new ReadOnlySpan<byte>(_bytes + offset, n).CopyTo(destination);
            return n;
        }
    }

    /// <summary>A copy of all the bytes.</summary>
    public byte[] ToArray()
    {
        var copy = GC.AllocateUninitializedArray<byte>(Length);
        CopyTo(0, copy);
        return copy;
    }

    /// <summary>A read-only, seekable stream over the bytes (each call a new one, at position 0).</summary>
    public Stream OpenRead() => new LuaBytesStream(this);

    /// <summary>Stops all reads and lets Lua collect the string. Safe from any thread, more than once.</summary>
    public void Dispose()
    {
        if (!Invalidate()) return;
        GC.SuppressFinalize(this);
        _owner.Dropped(_reference);
    }

    /// <summary>Ends reading; false when it had already ended. The host calls this before it frees the state.</summary>
    internal bool Invalidate()
    {
        lock (_gate)
        {
            if (_bytes == null) return false;
            _bytes = null;
            return true;
        }
    }
}
