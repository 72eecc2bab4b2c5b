using System.Buffers;
using LuaToolkit.Native;
using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>
/// Bytes on their way to becoming a Lua string: return one from a module function (alone, in a tuple or in
/// a task) where you would return a large <c>byte[]</c>. Write into it as an <see cref="IBufferWriter{T}"/>
/// (<see cref="GetMemory"/> or <see cref="GetSpan"/>, then <see cref="Advance"/>).
/// <para>
/// Past 64 KiB the bytes live in native memory laid out as a Lua string's block, and the state takes that
/// block as the string's own storage instead of copying it: a 100 MiB result exists once, not twice, and
/// costs no copy (where the native shim is not available, it is copied once, like a <c>byte[]</c>). Smaller
/// results live in a pooled array and are copied.
/// </para>
/// <para>
/// Returning it hands it over: the toolkit pushes it and frees whatever Lua did not take, and it is disposed
/// after. One that is never returned should be disposed; if it is not, its native memory is freed when the
/// GC finds it unreachable. One writer at a time; memory obtained from <see cref="GetMemory"/> or
/// <see cref="GetSpan"/> is valid until the next call that writes, grows, pushes or disposes.
/// </para>
/// </summary>
public sealed unsafe class LuaStringBuffer : IBufferWriter<byte>, IDisposable
{
    /// <summary>Up to this capacity the bytes live in a pooled array.</summary>
    public const int ArrayLimit = 64 * 1024;

    // A Lua string's length is bounded by memory; an array's by this. Either way, past it is a bug.
    private const int MaxCapacity = 0x7FFF_FF00;

    private byte[]? _array;
    private AdoptableBlock? _block;
    private int _length;

    /// <param name="capacity">Bytes to allocate at once; more are added as they are written.</param>
    public LuaStringBuffer(int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        if (capacity > ArrayLimit) _block = new AdoptableBlock(capacity);
        else _array = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
    }

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    // Disposed or pushed: the bytes' storage is gone (the array is back in its pool, the block freed or Lua's).
    private bool Finished => _array is null && _block is null;

    /// <summary>Bytes that fit before the buffer grows.</summary>
    public int Capacity => _block?.Capacity ?? _array?.Length ?? 0;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => Writable(0, _length);

    /// <summary>At least <paramref name="sizeHint"/> (or 1) writable bytes after what is written.</summary>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return Writable(_length, Capacity - _length);
    }

    /// <summary>At least <paramref name="sizeHint"/> (or 1) writable bytes after what is written.</summary>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _block is { } block ? block.Memory(_length) : _array.AsMemory(_length);
    }

    /// <summary>Counts <paramref name="count"/> more bytes as written.</summary>
    public void Advance(int count)
    {
        ObjectDisposedException.ThrowIf(Finished, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Capacity - _length);
        _length += count;
    }

    /// <summary>Grows to at least <paramref name="capacity"/> bytes now (a known length, say).</summary>
    public void EnsureCapacity(int capacity)
    {
        ObjectDisposedException.ThrowIf(Finished, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        if (capacity <= Capacity) return;
        if (_block is { } block)
        {
            block.Resize(capacity);
            return;
        }
        if (capacity > ArrayLimit)
        {
            var grown = new AdoptableBlock(capacity);
            _array.AsSpan(0, _length).CopyTo(grown.Span(0, _length));
            ArrayPool<byte>.Shared.Return(_array!);
            _array = null;
            _block = grown;
            return;
        }
        byte[] larger = ArrayPool<byte>.Shared.Rent(capacity);
        _array.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_array!);
        _array = larger;
    }

    /// <summary>A read-only stream over the bytes written so far, valid while nothing is written.</summary>
    public Stream OpenRead() => _block is { } block
        ? new UnmanagedMemoryStream(block.Data, _length)
        : new MemoryStream(_array!, 0, _length, writable: false);

    /// <summary>A copy of the bytes written so far.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Dispose()
    {
        _block?.Free();
        if (_array is not null) ArrayPool<byte>.Shared.Return(_array);
        _block = null;
        _array = null;
    }

    /// <summary>Pushes the bytes as a Lua string and finishes the buffer (what generated code does with a result).</summary>
    internal void Push(nint L)
    {
        ObjectDisposedException.ThrowIf(Finished, this);
        if (_block is { } block)
        {
            // A block much larger than its bytes is shrunk first, so that the state keeps no spare room.
            if (block.Capacity - _length > ArrayLimit) block.Resize(_length);
            if (LuaStringAdoption.Push(L, block.Block, _length))
            {
                block.Forget();
                _block = null;
            }
        }
        else
        {
            fixed (byte* bytes = _array) lua_pushlstring(L, bytes, (nuint)_length);
        }
        Dispose();
    }

    private Span<byte> Writable(int start, int length)
    {
        ObjectDisposedException.ThrowIf(Finished, this);
        return _block is { } block ? block.Span(start, length) : _array.AsSpan(start, length);
    }

    private void Reserve(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(Finished, this);
        int needed = Math.Max(sizeHint, 1);
        if (Capacity - _length >= needed) return;
        long doubled = Math.Max(2L * Capacity, (long)_length + needed);
        if ((long)_length + needed > MaxCapacity) throw new OutOfMemoryException("a Lua string buffer over 2 GiB");
        EnsureCapacity((int)Math.Min(doubled, MaxCapacity));
    }
}
