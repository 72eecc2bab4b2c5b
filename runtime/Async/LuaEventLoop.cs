using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using LuaToolkit.Native;

namespace LuaToolkit;

/// <summary>
/// A host's I/O readiness loop (Linux epoll). Whenever the host's thread waits for pending work (the
/// scheduler's sleep, a blocking wait, a coroutine polling its operation) it pumps this loop, and the
/// socket operations of <see cref="LoopSocket"/>s complete right there, on the thread that owns the Lua
/// state. Continuations of those operations (an HTTP response being parsed, say) then run on that thread
/// too, so a coroutine's request needs no thread hand-over between its I/O and its resumption.
/// <para>
/// Completions from other threads (thread-pool tasks) wake the loop through an eventfd. Only the state's
/// thread pumps; <see cref="Attach"/> and a <see cref="LoopSocket"/>'s operations may be used from any thread.
/// </para>
/// </summary>
public sealed class LuaEventLoop : IDisposable
{
    private const ulong WakeId = 0;
    private const int MaxEvents = 256;

    private readonly int _epoll;
    private readonly int _wake;
    private readonly Dictionary<ulong, LoopSocket> _sockets = [];
    private readonly unsafe byte* _events;
    private readonly SendBatch _sendBatch;
    private ulong _nextId;
    private int _lastBatch;     // sockets made ready by the last pump
    private int _waiting;       // socket operations waiting for readiness or a batched send
    private int _sleeping;      // 0 awake, 1 about to sleep or sleeping, 2 woken
    private int _pumping;
    private bool _disposed;

    /// <summary>Whether this platform has the loop (Linux).</summary>
    public static bool IsSupported => Epoll.IsSupported;

    internal unsafe LuaEventLoop()
    {
        if (!IsSupported) throw new PlatformNotSupportedException("the event loop needs Linux epoll");
        _epoll = Epoll.Create();
        try
        {
            _wake = Epoll.CreateEventFd();
            Epoll.Add(_epoll, _wake, Epoll.In, WakeId);
        }
        catch
        {
            Epoll.Close(_epoll);
            throw;
        }
        _events = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)(MaxEvents * Epoll.EventSize));
        _sendBatch = new SendBatch();
    }

    /// <summary>Sends up to this size may be batched (see <see cref="BatchSends"/>); larger ones are streamed here.</summary>
    internal const int MaxBatchedSend = 16 * 1024;

    /// <summary>
    /// Whether small sends go to a pool thread as one batch instead of being made by the caller. On when
    /// the last pump made several sockets ready, so the round that follows starts several requests: a send
    /// on loopback or a LAN costs as much as the rest of a request (the kernel delivers the bytes and wakes
    /// the receiver), and a batch lets those costs run beside the Lua thread instead of inside it. A lone
    /// request sends inline and waits for no other thread.
    /// </summary>
    internal bool BatchSends => Volatile.Read(ref _lastBatch) > 1;

    internal void QueueSend(LoopSocket socket) => _sendBatch.Add(socket);

    /// <summary>
    /// Whether some socket operation waits: what the thread waits for then comes (at least partly) through
    /// <see cref="Pump"/>, so spinning for a completion from another thread first is wasted.
    /// </summary>
    internal bool HasWaitingOperations => Volatile.Read(ref _waiting) > 0;

    internal void OperationBegan() => Interlocked.Increment(ref _waiting);

    internal void OperationEnded() => Interlocked.Decrement(ref _waiting);

    /// <summary>
    /// Connects <paramref name="socket"/> (a new one) without blocking and attaches it; the socket is left in
    /// blocking mode, as <see cref="System.Net.Sockets.NetworkStream"/> wants. Unlike
    /// <see cref="Socket.ConnectAsync(EndPoint, CancellationToken)"/> this keeps the socket out of .NET's own
    /// epoll thread, which would otherwise wake for every readiness change this loop already handles.
    /// </summary>
    public async ValueTask<LoopSocket> ConnectAsync(Socket socket, EndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        socket.Blocking = false;
        bool inProgress = false;
        try
        {
            socket.Connect(remote);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            inProgress = true;
        }
        var attached = Attach(socket, connecting: inProgress);
        try
        {
            if (inProgress)
            {
                await attached.WaitWritableAsync(cancellationToken).ConfigureAwait(false);
                var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
                if (error != SocketError.Success) throw new SocketException((int)error);
                if (!socket.Connected) throw new SocketException((int)SocketError.NotConnected);
            }
            socket.Blocking = true;
            return attached;
        }
        catch
        {
            attached.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Registers a connected socket: its <see cref="LoopSocket.ReceiveAsync"/> and
    /// <see cref="LoopSocket.SendAsync"/> complete when this loop is pumped. Dispose the result before the socket.
    /// </summary>
    public LoopSocket Attach(Socket socket) => Attach(socket, connecting: false);

    private LoopSocket Attach(Socket socket, bool connecting)
    {
        ArgumentNullException.ThrowIfNull(socket);
        LoopSocket attached;
        lock (_sockets)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            attached = new LoopSocket(this, socket, ++_nextId, connecting);
            _sockets.Add(attached.Id, attached);
        }
        try
        {
            if (!attached.TryAcquire(out nint fd)) throw new ObjectDisposedException(nameof(Socket));
            try
            {
                Epoll.Add(_epoll, fd, Epoll.In | Epoll.Out | Epoll.RdHup | Epoll.EdgeTriggered, attached.Id);
            }
            finally
            {
                attached.Release();
            }
        }
        catch
        {
            lock (_sockets) _sockets.Remove(attached.Id);
            throw;
        }
        return attached;
    }

    internal void Detach(LoopSocket socket)
    {
        lock (_sockets)
        {
            if (!_sockets.Remove(socket.Id) || _disposed) return;
        }
        // A closed socket is gone from the epoll set already: the kernel dropped it with the descriptor.
        if (!socket.TryAcquire(out nint fd)) return;
        try
        {
            Epoll.Remove(_epoll, fd);
        }
        finally
        {
            socket.Release();
        }
    }

    /// <summary>
    /// Announces that the pumping thread is about to sleep in <see cref="Pump"/>: from now on
    /// <see cref="WakeIfSleeping"/> interrupts it. The caller checks its wake-up condition after this.
    /// </summary>
    internal void PrepareToSleep() => Interlocked.Exchange(ref _sleeping, 1);

    /// <summary>Withdraws <see cref="PrepareToSleep"/> when the caller will not pump after all.</summary>
    internal void CancelSleep() => Volatile.Write(ref _sleeping, 0);

    /// <summary>Interrupts a sleeping <see cref="Pump"/> (any thread; cheap when nobody sleeps).</summary>
    internal void WakeIfSleeping()
    {
        if (Volatile.Read(ref _sleeping) == 1 && Interlocked.CompareExchange(ref _sleeping, 2, 1) == 1)
            Epoll.Signal(_wake);
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> (0: not at all, -1: no limit) for readiness and completes
    /// the socket operations it allows, on this thread. A wait other than 0 must follow
    /// <see cref="PrepareToSleep"/>. Returns the number of events handled.
    /// </summary>
    internal unsafe int Pump(int timeoutMs)
    {
        if (Interlocked.Exchange(ref _pumping, 1) != 0)
            throw new InvalidOperationException("the event loop is already being pumped (a Lua state is single-threaded)");
        try
        {
            if (Volatile.Read(ref _disposed)) return 0;
            int n = Epoll.Wait(_epoll, _events, MaxEvents, timeoutMs);
            // Awake again before dispatching: completions on this thread need not signal the eventfd.
            Volatile.Write(ref _sleeping, 0);
            int ready = n;
            for (int i = 0; i < n; i++)
            {
                ulong id = Epoll.DataAt(_events, i);
                if (id == WakeId)
                {
                    Epoll.Drain(_wake);
                    ready--;     // a wake-up is not a ready socket (see BatchSends)
                    continue;
                }
                LoopSocket? socket;
                lock (_sockets) _sockets.TryGetValue(id, out socket);
                socket?.OnReady(Epoll.EventsAt(_events, i));
            }
            Volatile.Write(ref _lastBatch, ready);
            return n;
        }
        finally
        {
            Volatile.Write(ref _sleeping, 0);
            Volatile.Write(ref _pumping, 0);
        }
    }

    /// <summary>The queued sends, run by one thread-pool work item at a time.</summary>
    private sealed class SendBatch : IThreadPoolWorkItem
    {
        private readonly ConcurrentQueue<LoopSocket> _queue = new();
        private int _scheduled;

        public void Add(LoopSocket socket)
        {
            _queue.Enqueue(socket);
            if (Interlocked.Exchange(ref _scheduled, 1) == 0) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        public void Execute()
        {
            while (true)
            {
                while (_queue.TryDequeue(out var socket)) socket.SendQueued();
                Volatile.Write(ref _scheduled, 0);
                // A send queued after the drain but before the flag was cleared found it set: take it now.
                if (_queue.IsEmpty || Interlocked.Exchange(ref _scheduled, 1) != 0) return;
            }
        }
    }

    /// <summary>Closes the loop, failing the pending operations of the sockets still attached.</summary>
    public unsafe void Dispose()
    {
        LoopSocket[] attached;
        lock (_sockets)
        {
            if (_disposed) return;
            _disposed = true;
            attached = [.. _sockets.Values];
            _sockets.Clear();
        }
        // Nothing will pump any more: what waits for readiness fails now (a pending connect closes its socket).
        foreach (var socket in attached) socket.Dispose();
        Epoll.Close(_wake);
        Epoll.Close(_epoll);
        System.Runtime.InteropServices.NativeMemory.Free(_events);
    }
}
