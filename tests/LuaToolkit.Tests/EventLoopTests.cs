using System.Net;
using System.Net.Sockets;

namespace LuaToolkit.Tests;

/// <summary>
/// <see cref="LuaEventLoop"/> and <see cref="LoopSocket"/> over real loopback sockets: operations complete on
/// the thread that pumps, byte for byte, and fail cleanly on disposal and cancellation.
/// </summary>
public sealed class EventLoopTests : IDisposable
{
    private readonly LuaHost _host = new(LuaCallPath.LuaTrampoline, useEventLoop: true);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<IDisposable> _owned = [];

    public EventLoopTests() => _listener.Start();

    private LuaEventLoop Loop => _host.EventLoop!;

    private IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>A connected pair: the client attached to the loop, the accepted peer a plain socket.</summary>
    private (LoopSocket Client, Socket ClientSocket, Socket Peer) Pair()
    {
        var socket = Own(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        socket.Connect(Endpoint);
        var peer = Own(_listener.AcceptSocket());
        return (Own(Loop.Attach(socket)), socket, peer);
    }

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>Pumps on this thread until <paramref name="done"/> or 5 s.</summary>
    private void PumpUntil(Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the loop did not complete the operation within 5 s");
            Loop.PrepareToSleep();
            Loop.Pump(50);
        }
    }

    [Fact]
    public void HostsHaveALoopOnLinuxUnlessTurnedOff()
    {
        Assert.True(LuaEventLoop.IsSupported);
        Assert.NotNull(new LuaHostProbe(useEventLoop: true).Loop);
        Assert.Null(new LuaHostProbe(useEventLoop: false).Loop);
    }

    [Fact]
    public async Task AReceiveWaitsForDataAndCompletesOnThePumpingThread()
    {
        var (client, _, peer) = Pair();
        var buffer = new byte[16];
        var receive = client.ReceiveAsync(buffer);
        Assert.False(receive.IsCompleted);   // nothing sent yet

        int continuationThread = 0;
        // As the HTTP handler awaits it: ConfigureAwait(false), so the continuation runs where it completes.
#pragma warning disable xUnit1030 // the point: the continuation must run where the loop completes the receive
        receive.ConfigureAwait(false).GetAwaiter().OnCompleted(() => continuationThread = Environment.CurrentManagedThreadId);
#pragma warning restore xUnit1030
        peer.Send("ping"u8);
        Thread.Sleep(50);
        Assert.Equal(0, continuationThread);   // arrived, but nobody pumped: nothing ran

        PumpUntil(() => continuationThread != 0);
        Assert.Equal(Environment.CurrentManagedThreadId, continuationThread);
        Assert.Equal(4, await receive);
        Assert.Equal("ping"u8.ToArray(), buffer[..4]);
    }

    [Fact]
    public async Task DataAlreadyThereIsReceivedWithoutWaiting()
    {
        var (client, _, peer) = Pair();
        peer.Send("ready"u8);
        Thread.Sleep(50);
        var buffer = new byte[16];
        var receive = client.ReceiveAsync(buffer);
        Assert.True(receive.IsCompletedSuccessfully);
        Assert.Equal(5, await receive);
    }

    [Fact]
    public async Task TheEndOfTheStreamReadsAsZero()
    {
        var (client, _, peer) = Pair();
        var receive = client.ReceiveAsync(new byte[16]);
        peer.Shutdown(SocketShutdown.Send);
        PumpUntil(() => receive.IsCompleted);
        Assert.Equal(0, await receive);
    }


    [Fact]
    public async Task AfterAShortReadTheNextReceiveWaitsForTheNextEdge()
    {
        var (client, _, peer) = Pair();
        peer.Send("one"u8);
        Thread.Sleep(50);
        Loop.Pump(0);    // the edge for "one" is consumed here
        var buffer = new byte[16];
        Assert.Equal(3, await client.ReceiveAsync(buffer));   // short: the queue is empty now

        var next = client.ReceiveAsync(buffer);
        Assert.False(next.IsCompleted);
        peer.Send("two!"u8);
        PumpUntil(() => next.IsCompleted);
        Assert.Equal(4, await next);
        Assert.Equal("two!"u8.ToArray(), buffer[..4]);
    }

    [Fact]
    public async Task TheEndOfTheStreamAfterAShortReadStillReadsAsZero()
    {
        // Data and the peer's close arrive together and their one edge is consumed before the read: the short
        // read empties the data, and the end of stream that remains has no edge left to announce it.
        var (client, _, peer) = Pair();
        peer.Send("last words"u8);
        peer.Shutdown(SocketShutdown.Send);
        Thread.Sleep(50);
        Loop.Pump(0);
        Assert.Equal(10, await client.ReceiveAsync(new byte[64]));

        var end = client.ReceiveAsync(new byte[64]);
        PumpUntil(() => end.IsCompleted);
        Assert.Equal(0, await end);
    }
    [Fact]
    public async Task ASendLargerThanTheSocketBuffersWaitsForThePeerAndArrivesIntact()
    {
        var (client, _, peer) = Pair();
        var data = new byte[8 << 20];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i % 251);
        var send = client.SendAsync(data);
        Assert.False(send.IsCompleted);   // the kernel buffers filled up

        var received = new MemoryStream();
        var reader = Task.Run(() =>
        {
            var chunk = new byte[1 << 16];
            while (received.Length < data.Length)
            {
                int n = peer.Receive(chunk);
                if (n == 0) break;
                received.Write(chunk, 0, n);
            }
        });
        PumpUntil(() => send.IsCompleted);
        Assert.True(send.IsCompletedSuccessfully);
        await reader.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(data, received.ToArray());
    }

    [Fact]
    public async Task DisposingFailsAPendingReceiveWithAnIOException()
    {
        var (client, _, _) = Pair();
        var receive = client.ReceiveAsync(new byte[16]).AsTask();
        client.Dispose();
        await Assert.ThrowsAsync<IOException>(() => receive.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task CancellingAPendingReceiveCompletesItAsCancelled()
    {
        var (client, _, peer) = Pair();
        using var cts = new CancellationTokenSource();
        var receive = client.ReceiveAsync(new byte[16], cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAsync<OperationCanceledException>(() => receive.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(receive.IsCanceled);

        // The socket is still usable afterwards.
        peer.Send("after"u8);
        var next = client.ReceiveAsync(new byte[16]);
        PumpUntil(() => next.IsCompleted);
        Assert.Equal(5, await next);
    }

    [Fact]
    public async Task DisposingTheHostFailsWhatStillWaits()
    {
        var (client, _, _) = Pair();
        var receive = client.ReceiveAsync(new byte[16]).AsTask();
        _host.Dispose();
        await Assert.ThrowsAsync<IOException>(() => receive.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task ConnectingThroughTheLoopLeavesABlockingConnectedSocket()
    {
        var socket = Own(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        var connect = Loop.ConnectAsync(socket, Endpoint);
        PumpUntil(() => connect.IsCompleted);
        Own(await connect);
        Assert.True(socket.Connected);
        Assert.True(socket.Blocking);
        using var peer = _listener.AcceptSocket();
        peer.Send("hi"u8);
        Assert.Equal(2, socket.Receive(new byte[4]));   // a plain blocking receive works on it
    }

    [Fact]
    public async Task ConnectingToAClosedPortFailsAsRefused()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var endpoint = (IPEndPoint)closed.LocalEndpoint;
        closed.Stop();
        var socket = Own(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        var connect = Loop.ConnectAsync(socket, endpoint).AsTask();
        PumpUntil(() => connect.IsCompleted);
        var ex = await Assert.ThrowsAsync<SocketException>(() => connect);
        Assert.Equal(SocketError.ConnectionRefused, ex.SocketErrorCode);
    }

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_owned)) d.Dispose();
        _host.Dispose();
        _listener.Stop();
    }

    private sealed class LuaHostProbe
    {
        public LuaHostProbe(bool useEventLoop)
        {
            using var host = new LuaHost(LuaCallPath.LuaTrampoline, useEventLoop);
            Loop = host.EventLoop;
        }

        public LuaEventLoop? Loop { get; }
    }
}
