using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using LuaToolkit.Native;
using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>
/// A native Lua 5.4 state with the standard libraries, the coroutine driver, and the modules you add
/// (registered in <c>package.preload</c>). Runs chunks and files in protected mode. A state is
/// single-threaded: use it from one thread at a time. <see cref="Dispose"/> cancels outstanding async
/// work (<see cref="Cancellation"/>), closes the state and disposes module instances.
/// </summary>
public sealed unsafe partial class LuaHost : IDisposable
{
    // Light-userdata registry keys: addresses of one private native block, so they cannot collide.
    private static readonly nint Keys = (nint)NativeMemory.AllocZeroed(8);
    private static nint SignalKey => Keys;
    private static nint TailKey => Keys + 1;
    private static nint MessageHandlerKey => Keys + 2;
    private static nint CaseInsensitiveKey => Keys + 3;
    private static nint RegisterKey => Keys + 4;
    private static nint WaitKey => Keys + 5;

    private readonly CancellationTokenSource _cancellation = new();
    private readonly List<GCHandle> _instanceHandles = [];
    private readonly List<object> _instances = [];
    private readonly StringBuilder _warning = new();
    private GCHandle _self;
    private nint _state;
    private nint _adoption;     // what lets the state take LuaStringBuffer blocks as strings (0: it copies)
    private bool _warningsOn = true;

    /// <summary>A host whose modules use <see cref="LuaCallPath.NativeShim"/> when the shim is available
    /// (override with the environment variable <c>LUATOOLKIT_CALL_PATH=lua</c>), else Lua trampolines.</summary>
    public LuaHost() : this(DefaultCallPath())
    {
    }

    /// <summary>A host whose modules use <paramref name="callPath"/>, with an event loop where supported
    /// (override with the environment variable <c>LUATOOLKIT_EVENT_LOOP=off</c>).</summary>
    /// <exception cref="PlatformNotSupportedException">The native shim was asked for but is not available.</exception>
    public LuaHost(LuaCallPath callPath) : this(callPath, DefaultEventLoop())
    {
    }

    /// <summary>A host whose modules use <paramref name="callPath"/>; with <paramref name="useEventLoop"/>,
    /// it has an <see cref="EventLoop"/> (Linux only).</summary>
    /// <exception cref="PlatformNotSupportedException">The native shim or the event loop was asked for but is not available.</exception>
    public LuaHost(LuaCallPath callPath, bool useEventLoop)
    {
        if (callPath == LuaCallPath.NativeShim && !LuaShim.IsAvailable)
            throw new PlatformNotSupportedException("the native call shim is not available: " + LuaShim.LoadError);
        CallPath = callPath;
        EventLoop = useEventLoop ? new LuaEventLoop() : null;
        Pending = new PendingOperations(EventLoop);
        _state = luaL_newstate();
        if (_state == 0) throw new OutOfMemoryException("luaL_newstate failed");
        _adoption = LuaStringAdoption.Install(_state);
        luaL_openlibs(_state);
        _self = GCHandle.Alloc(this);
        // Every coroutine copies the main thread's extra space, so any lua_State* finds its host.
        *ExtraSpace(_state) = GCHandle.ToIntPtr(_self);
        lua_setwarnf(_state, &OnWarning, GCHandle.ToIntPtr(_self));
        InstallRuntime();
    }

    /// <summary>How Lua calls this host's module functions.</summary>
    public LuaCallPath CallPath { get; }

    /// <summary>The main <c>lua_State*</c>.</summary>
    public nint State => _state != 0 ? _state : throw new ObjectDisposedException(nameof(LuaHost));

    /// <summary>Cancelled when the host is disposed; async module functions receive it as their token.</summary>
    public CancellationToken Cancellation => _cancellation.Token;

    /// <summary>Raised for each complete Lua warning (<c>warn(...)</c>, unknown options). Without a
    /// subscriber, warnings go to stderr as <c>Lua warning: ...</c>, like the standalone interpreter.</summary>
    public event Action<string>? Warning;

    /// <summary>
    /// The loop this host's thread pumps whenever it waits for pending work (see <see cref="LuaEventLoop"/>);
    /// null without one. Modules attach sockets to it so that their I/O completes on the Lua thread.
    /// </summary>
    public LuaEventLoop? EventLoop { get; }

    internal PendingOperations Pending { get; }

    /// <summary>The <see cref="LuaBytes"/> leases of this state's strings.</summary>
    internal LuaLeases Leases { get; } = new();

    /// <summary>The host of any thread of a state this host created.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LuaHost FromState(nint L) => Unsafe.As<LuaHost>(GCHandle.FromIntPtr(*ExtraSpace(L)).Target)!;

    /// <summary>
    /// Registers a generated module under its name and aliases. Instance modules use
    /// <paramref name="instance"/>, or a new one when the class has a parameterless constructor; the host
    /// disposes instances it is given or made when it is disposed.
    /// </summary>
    public void AddModule(LuaModuleBinding module, object? instance = null)
    {
        nint L = State;
        nint instanceHandle = 0;
        if (module.IsInstance)
        {
            instance ??= module.CreateInstance?.Invoke()
                ?? throw new ArgumentException($"module '{module.Name}' needs an instance", nameof(instance));
            var handle = GCHandle.Alloc(instance);
            _instanceHandles.Add(handle);
            _instances.Add(instance);
            instanceHandle = GCHandle.ToIntPtr(handle);
        }

        int top = lua_gettop(L);
        PushRegistry(L, RegisterKey);
        if (CallPath == LuaCallPath.NativeShim) PushShimModule(L, module, instanceHandle);
        else PushTrampolineModule(L, module, instanceHandle, top);
        PushNames(L, module.Name, module.Aliases);
        CallOrThrow(L, 1 + 1 + module.Aliases.Length, 0, top);
        lua_settop(L, top);
    }

    /// <summary>Registers a module written in Lua: <paramref name="source"/> runs once, at the first <c>require</c>.</summary>
    public void AddLuaModule(string source, string name, params string[] aliases)
    {
        nint L = State;
        int top = lua_gettop(L);
        PushRegistry(L, RegisterKey);
        LoadOrThrow(L, source, "=" + name);
        PushNames(L, name, aliases);
        CallOrThrow(L, 1 + 1 + aliases.Length, 0, top);
        lua_settop(L, top);
    }

    /// <summary>Registers Pluto's scheduler class as <c>scheduler</c> and <c>pluto:scheduler</c>.</summary>
    public void AddScheduler() => AddLuaModule(ReadResource("scheduler.lua"), "pluto:scheduler", "scheduler");

    /// <summary>Runs a chunk; returns its results. Lua errors throw <see cref="LuaException"/>.</summary>
    public object?[] DoString(string code, string chunkName = "=(string)") =>
        Run(Encoding.UTF8.GetBytes(code), chunkName);

    /// <summary>Runs a file with the global <c>arg</c> set as the standalone interpreter sets it.</summary>
    public object?[] DoFile(string path, params string[] args)
    {
        var script = new StringBuilder("arg = { [0] = ");
        AppendLuaString(script, path);
        foreach (var a in args) AppendLuaString(script.Append(", "), a);
        DoString(script.Append(" }").ToString(), "=arg");
        return Run(File.ReadAllBytes(path), "@" + path);
    }

    /// <summary>Emits a warning as Lua's <c>warn</c> would (honours <c>@on</c> / <c>@off</c>).</summary>
    public void Warn(string message)
    {
        if (!_warningsOn) return;
        if (Warning is { } handler) handler(message);
        else Console.Error.WriteLine("Lua warning: " + message);
    }

    public void Dispose()
    {
        if (_state == 0) return;
        _cancellation.Cancel();
        Leases.CloseAll(); // no thread reads a leased string once the state is freed
        lua_close(_state);
        _state = 0;
        LuaStringAdoption.Release(_adoption);
        foreach (var h in _instanceHandles) h.Free();
        _instanceHandles.Clear();
        foreach (var instance in _instances)
        {
            try
            {
                if (instance is IDisposable d) d.Dispose();
                else if (instance is IAsyncDisposable ad) ad.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch
            {
                // Disposal never throws into the caller's cleanup path.
            }
        }
        _instances.Clear();
        EventLoop?.Dispose();
        _self.Free();
        _cancellation.Dispose();
    }

    /// <summary>Sets the case-insensitive lookup metatable on the table at the top of the stack.</summary>
    internal void PushCaseInsensitiveMetatable(nint L)
    {
        PushRegistry(L, CaseInsensitiveKey);
        lua_setmetatable(L, -2);
    }

    private static void AppendLuaString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            if (c is '"' or '\\') sb.Append('\\').Append(c);
            else if (c < ' ') sb.Append("\\").Append(((int)c).ToString("000"));
            else sb.Append(c);
        }
        sb.Append('"');
    }
}
