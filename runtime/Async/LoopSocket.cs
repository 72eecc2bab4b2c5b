using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;
using LuaToolkit.Native;

namespace LuaToolkit;

/// <summary>
/// A connected socket whose asynchronous receive and send complete on the thread that pumps its
/// <see cref="LuaEventLoop"/>. Each operation first tries the system call at once (no wait when data or
/// buffer space is there); otherwise it waits for the socket's next readiness edge. One receive and one send
/// may be pending at a time, as for any stream. Disposing fails pending operations with an
/// <see cref="IOException"/>; it does not close the socket.
/// </summary>
public sealed class LoopSocket : IDisposable
{
    private readonly LuaEventLoop _loop;
    private readonly SafeSocketHandle _handle;
    private readonly object _gate = new();
    private readonly Operation _receive;
    private readonly Operation _send;
    // Readiness as last observed: false after the kernel said EAGAIN, true again at the next edge.
    private bool _readable = true;
    private bool _writable = true;
    // The peer's end of stream or an error has been signalled: what is left to read includes it, so a short
    // read no longer means "nothing left" (see ReceiveNow).
    private bool _ended;
    private bool _disposed;

    internal LoopSocket(LuaEventLoop loop, Socket socket, ulong id, bool connecting)
    {
        _writable = !connecting;    // a connect in progress is writable when it has finished
        _loop = loop;
        _handle = socket.SafeHandle;
        Id = id;
        _receive = new Operation(this);
        _send = new Operation(this);
    }

    internal ulong Id { get; }

    /// <summary>Receives into <paramref name="buffer"/>: the byte count, 0 at the end of the stream.</summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_disposed) return ValueTask.FromException<int>(Closed());
            if (_receive.IsPending) return ValueTask.FromException<int>(new InvalidOperationException("a receive is already pending"));
            if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<int>(cancellationToken);
            if (_readable)
            {
                int n = ReceiveNow(buffer.Span, out var error);
                if (n >= 0) return new ValueTask<int>(n);
                if (error != SocketError.WouldBlock) return ValueTask.FromException<int>(Failed(error, "read data from"));
            }
            return new ValueTask<int>(_receive, _receive.Begin(buffer, 0, cancellationToken));
        }
    }

    /// <summary>Sends all of <paramref name="buffer"/>.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_disposed) return ValueTask.FromException(Closed());
            if (_send.IsPending) return ValueTask.FromException(new InvalidOperationException("a send is already pending"));
            if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
            if (buffer.Length <= LuaEventLoop.MaxBatchedSend && _loop.BatchSends)
            {
                // A busy round: the send joins the loop's batch for a pool thread (see LuaEventLoop.BatchSends).
                short version = _send.Begin(MemoryMarshal.AsMemory(buffer), 0, cancellationToken);
                _loop.QueueSend(this);
                return new ValueTask(_send, version);
            }
            int sent = 0;
            if (_writable)
            {
                var error = SendSome(buffer.Span, ref sent);
                if (error == SocketError.Success) return default;
                if (error != SocketError.WouldBlock) return ValueTask.FromException(Failed(error, "write data to"));
            }
            return new ValueTask(_send, _send.Begin(MemoryMarshal.AsMemory(buffer), sent, cancellationToken));
        }
    }

    /// <summary>Fails pending operations and detaches from the loop. The socket stays open.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _receive.Stage(Closed());
            _send.Stage(Closed());
        }
        _receive.Deliver();
        _send.Deliver();
        _loop.Detach(this);
    }

    /// <summary>The loop saw readiness (<c>epoll</c> event bits): retries what waits for it.</summary>
    internal void OnReady(uint events)
    {
        lock (_gate)
        {
            if (_disposed) return;
            if ((events & (Epoll.In | Epoll.Err | Epoll.Hup | Epoll.RdHup)) != 0)
            {
                _readable = true;
                if ((events & (Epoll.Err | Epoll.Hup | Epoll.RdHup)) != 0) _ended = true;
                if (_receive.IsPending) RetryReceive();
            }
            if ((events & (Epoll.Out | Epoll.Err | Epoll.Hup)) != 0)
            {
                _writable = true;
                if (_send.IsPending) RetrySend();
            }
        }
        // Outside the lock: continuations run here, and may start the next operation.
        _receive.Deliver();
        _send.Deliver();
    }

    /// <summary>Completes when the socket is writable: a non-blocking connect has finished (or failed).</summary>
    internal ValueTask WaitWritableAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_disposed) return ValueTask.FromException(Closed());
            // The loop may have seen the edge already (between Attach and this call).
            if (_writable) return default;
            return new ValueTask(_send, _send.Begin(Memory<byte>.Empty, 0, cancellationToken));
        }
    }

    /// <summary>Runs a send queued by <see cref="LuaEventLoop.QueueSend"/>, on a pool thread.</summary>
    internal void SendQueued()
    {
        lock (_gate)
        {
            if (_disposed || !_send.IsPending) return;
            RetrySend();
        }
        _send.Deliver();
    }

    /// <summary>
    /// Holds the socket's handle and gives its descriptor; false when the socket is closed. Held across each
    /// system call, so a concurrent close cannot hand the number to another socket. Pair with <see cref="Release"/>.
    /// </summary>
    internal bool TryAcquire(out nint fd)
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
        }
        fd = added ? _handle.DangerousGetHandle() : -1;
        return added;
    }

    internal void Release() => _handle.DangerousRelease();

    private void RetryReceive()
    {
        int n = ReceiveNow(_receive.Buffer.Span, out var error);
        if (n >= 0) _receive.Stage(n);
        else if (error != SocketError.WouldBlock) _receive.Stage(Failed(error, "read data from"));
    }

    /// <summary>
    /// One receive system call (under the lock), keeping <see cref="_readable"/> up to date. A read that
    /// filled less than the buffer emptied the socket's queue, so the socket counts as not readable until the
    /// next edge (as Netty's edge-triggered transport does): the next receive then waits at once instead of
    /// spending a system call to learn EAGAIN. Data arriving after that read raises a new edge; one that
    /// arrived before it may leave a stale edge, which costs one EAGAIN and nothing else. Not so once the
    /// peer has closed (or the socket failed): that edge has been consumed, the end of stream still waits to
    /// be read, and nothing more will arrive to signal it.
    /// </summary>
    private int ReceiveNow(Span<byte> buffer, out SocketError error)
    {
        int n = Receive(buffer, out error);
        if (n < 0 ? error == SocketError.WouldBlock : n > 0 && n < buffer.Length && !_ended) _readable = false;
        return n;
    }

    private void RetrySend()
    {
        int sent = _send.Done;
        var error = SendSome(_send.Buffer.Span, ref sent);
        _send.Done = sent;
        if (error == SocketError.Success) _send.Stage(sent);
        else if (error != SocketError.WouldBlock) _send.Stage(Failed(error, "write data to"));
    }

    /// <summary>Sends from <paramref name="sent"/> on until done (Success), the buffer is full (WouldBlock) or an error.</summary>
    private SocketError SendSome(ReadOnlySpan<byte> buffer, ref int sent)
    {
        while (sent < buffer.Length)
        {
            int n = Send(buffer[sent..], out var error);
            if (n < 0)
            {
                if (error == SocketError.WouldBlock) _writable = false;
                return error;
            }
            sent += n;
        }
        return SocketError.Success;
    }

    private int Receive(Span<byte> buffer, out SocketError error)
    {
        if (!TryAcquire(out nint fd))
        {
            error = SocketError.OperationAborted;
            return -1;
        }
        try
        {
            return Epoll.Receive(fd, buffer, out error);
        }
        finally
        {
            Release();
        }
    }

    private int Send(ReadOnlySpan<byte> buffer, out SocketError error)
    {
        if (!TryAcquire(out nint fd))
        {
            error = SocketError.OperationAborted;
            return -1;
        }
        try
        {
            return Epoll.Send(fd, buffer, out error);
        }
        finally
        {
            Release();
        }
    }

    private void Cancel(Operation operation, short version, CancellationToken token)
    {
        lock (_gate)
        {
            if (!operation.IsPending || operation.Version != version) return;
            operation.Stage(new OperationCanceledException(token));
        }
        operation.Deliver();
    }

    // The wording of NetworkStream's own failures, so callers see what they would see from it.
    private static IOException Failed(SocketError error, string what)
    {
        var inner = new SocketException((int)error);
        return new IOException($"Unable to {what} the transport connection: {inner.Message}.", inner);
    }

    private static IOException Closed() =>
        Failed(SocketError.OperationAborted, "use");

    /// <summary>
    /// One direction's pending operation, reused for every wait. Its outcome is staged under the socket's
    /// lock and delivered after it, so continuations never run under the lock.
    /// </summary>
    private sealed class Operation(LoopSocket owner) : IValueTaskSource<int>, IValueTaskSource
    {
        // Continuations run synchronously on the completing thread: the loop's, for readiness.
        private ManualResetValueTaskSourceCore<int> _core;
        private CancellationTokenRegistration _registration;
        private int _staged;    // 1 while an outcome waits for Deliver; claimed atomically, as several threads may try
        private int _result;
        private Exception? _error;

        public Memory<byte> Buffer;
        public int Done;

        public bool IsPending { get; private set; }

        public short Version => _core.Version;

        public short Begin(Memory<byte> buffer, int done, CancellationToken token)
        {
            owner._loop.OperationBegan();
            _core.Reset();
            Buffer = buffer;
            Done = done;
            IsPending = true;
            short version = _core.Version;
            if (token.CanBeCanceled)
                _registration = token.UnsafeRegister(static (state, t) =>
                {
                    var (op, v) = ((Operation, short))state!;
                    op.Cancel(v, t);
                }, (this, version));
            return version;
        }

        private void Cancel(short version, CancellationToken token) => owner.Cancel(this, version, token);

        public void Stage(int result)
        {
            if (!IsPending) return;
            _result = result;
            _error = null;
            Finish();
        }

        public void Stage(Exception error)
        {
            if (!IsPending) return;
            _error = error;
            Finish();
        }

        private void Finish()
        {
            owner._loop.OperationEnded();
            IsPending = false;
            Volatile.Write(ref _staged, 1);
            Buffer = default;
            _registration.Unregister();   // never blocks, unlike Dispose, so it is safe under the lock
            _registration = default;
        }

        /// <summary>Completes a staged outcome (outside the lock).</summary>
        public void Deliver()
        {
            if (Interlocked.Exchange(ref _staged, 0) == 0) return;
            var error = _error;
            _error = null;
            if (error is null) _core.SetResult(_result);
            else _core.SetException(error);
        }

        public int GetResult(short token) => _core.GetResult(token);

        void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
