using System.Buffers;

namespace LuaToolkit.Native;

/// <summary>
/// One block of native memory in <see cref="LuaStringAdoption"/>'s shape: header, <see cref="Capacity"/>
/// bytes, one byte for Lua's terminating zero. It is freed by <see cref="Free"/>, forgotten once a state has
/// adopted it (<see cref="Forget"/>), and freed by the finalizer if neither happened. The GC is told about
/// the memory while this object owns it.
/// </summary>
internal sealed unsafe class AdoptableBlock
{
    private static long _live;
    private byte* _block;
    private Manager? _manager;

    public AdoptableBlock(int capacity)
    {
        Resize(capacity);
        Interlocked.Increment(ref _live);
    }

    /// <summary>Blocks allocated and neither freed nor adopted yet, in the whole process (for tests).</summary>
    internal static long Live => Volatile.Read(ref _live);

    ~AdoptableBlock() => Release(free: true);

    /// <summary>The block's start, where Lua's header goes (what <see cref="LuaStringAdoption.Push"/> takes).</summary>
    public byte* Block => _block;

    /// <summary>Where the bytes start.</summary>
    public byte* Data => _block + LuaStringAdoption.Header;

    public int Capacity { get; private set; }

    /// <summary>The bytes from <paramref name="start"/> to <see cref="Capacity"/>, until the next resize.</summary>
    public Memory<byte> Memory(int start) => (_manager ??= new Manager(Data, Capacity)).Memory[start..];

    public Span<byte> Span(int start, int length) => new(Data + start, length);

    /// <summary>Grows or shrinks the block (its bytes move with it); throws <see cref="OutOfMemoryException"/>.</summary>
    public void Resize(int capacity)
    {
        byte* resized = LuaStringAdoption.Resize(_block, SizeOf(Capacity), SizeOf(capacity));
        if (resized is null) throw new OutOfMemoryException($"a {capacity}-byte string buffer");
        if (_block is not null) GC.RemoveMemoryPressure((long)SizeOf(Capacity));
        GC.AddMemoryPressure((long)SizeOf(capacity));
        _block = resized;
        Capacity = capacity;
        _manager = null;    // Memory handed out before now points at the old block
    }

    public void Free() => Release(free: true);

    /// <summary>A state adopted the block: Lua frees it with the string.</summary>
    public void Forget() => Release(free: false);

    private void Release(bool free)
    {
        if (_block is null) return;
        if (free) LuaStringAdoption.Resize(_block, SizeOf(Capacity), 0);
        GC.RemoveMemoryPressure((long)SizeOf(Capacity));
        _block = null;
        _manager = null;
        Interlocked.Decrement(ref _live);
        GC.SuppressFinalize(this);
    }

    private static nuint SizeOf(int capacity) => (nuint)(LuaStringAdoption.Header + (long)capacity + 1);

    /// <summary>A <see cref="Memory{T}"/> over native memory (asynchronous reads take Memory, not spans).</summary>
    private sealed class Manager(byte* data, int length) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => new(data, length);

        public override MemoryHandle Pin(int elementIndex = 0) => new(data + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
