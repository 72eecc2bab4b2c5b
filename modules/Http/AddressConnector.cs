using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace LuaToolkit.Http;

/// <summary>
/// The handlers' connect callback: resolves the host, tries IPv4 addresses first and IPv6 ones on failure
/// (the other way round for a request with <c>prefer_ipv6</c>), and wraps the socket in a
/// <see cref="TrackedStream"/> registered with the generation that asked for it. A blocking request connects
/// with a blocking connect; a coroutine's request through its host's event loop where there is one.
/// </summary>
internal sealed class AddressConnector(Func<string, CancellationToken, Task<IPAddress[]>> resolve, TimeSpan attemptTimeout)
{
    /// <summary>The system resolver (honours the hosts file).</summary>
    public static Task<IPAddress[]> SystemResolve(string host, CancellationToken token) =>
        Dns.GetHostAddressesAsync(host, token);

    public async ValueTask<Stream> ConnectAsync(
        SocketsHttpConnectionContext context, HandlerGeneration generation, CancellationToken token)
    {
        var request = context.InitialRequestMessage;
        bool preferIpv6 = request is ModuleRequest { PreferIpv6: true };
        bool blocking = request is ModuleRequest { Blocking: true };
        // A coroutine's request connects through its host's event loop (the execution context flows here).
        var loop = blocking ? null : RequestScope.Current?.Loop;
        // HTTP/2: the connection outlives this request and serves others (never through a loop).
        bool multiplexed = request.Version.Major >= 2;
        string host = context.DnsEndPoint.Host;
        int port = context.DnsEndPoint.Port;
        var addresses = Order(await ResolveAsync(host, token).ConfigureAwait(false), preferIpv6);

        Exception? lastError = null;
        bool allTimedOut = true;
        foreach (var address in addresses)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token);
            attempt.CancelAfter(attemptTimeout);
            Socket? socket = null;
            try
            {
                socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                var endpoint = new IPEndPoint(address, port);
                LoopSocket? attached = null;
                if (blocking) ConnectBlocking(socket, endpoint, attempt.Token);
                else if (loop is not null) attached = await loop.ConnectAsync(socket, endpoint, attempt.Token).ConfigureAwait(false);
                else await socket.ConnectAsync(endpoint, attempt.Token).ConfigureAwait(false);
                // Read once here, where a reset is classified below; the socket keeps it for the handler.
                _ = socket.RemoteEndPoint;
                var stream = new TrackedStream(socket, RemoteKey.For(request.RequestUri!), generation, multiplexed, attached);
                if (!multiplexed && request.RequestUri!.Scheme == Uri.UriSchemeHttps) RequestScope.Current?.BeginHandshake(stream);
                generation.Track(stream);
                return stream;
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                socket?.Dispose();
                lastError = new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"connecting to {Show(address, port)} timed out after {attemptTimeout.TotalSeconds:0.###} s"));
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.NotConnected)
            {
                // The handshake was made and the server closed the connection at once (a refused connect reads
                // ConnectionRefused). An asynchronous connect reports it; a blocking one succeeds and the first
                // write fails. So the reason is the one that write gives.
                socket?.Dispose();
                throw new HttpFailureException(
                    HttpFailures.ClosedBeforeFirstWrite(request.RequestUri!, multiplexed),
                    $"connecting to {Show(address, port)}: the server closed the connection at once ({ex.Message})", ex);
            }
            catch (SocketException ex)
            {
                socket?.Dispose();
                allTimedOut = false;
                lastError = new SocketException((int)ex.SocketErrorCode, $"connecting to {Show(address, port)}: {ex.Message}");
            }
        }
        throw allTimedOut
            ? new HttpFailureException(HttpFailureReasons.TcpHandshakeTimedOut, lastError!.Message, lastError)
            : new HttpFailureException(HttpFailureReasons.TcpHandshakeFailed, lastError!.Message, lastError);
    }

    /// <summary>A blocking connect that the token aborts (by closing the socket under it).</summary>
    private static void ConnectBlocking(Socket socket, IPEndPoint endpoint, CancellationToken token)
    {
        using (token.UnsafeRegister(static s => ((Socket)s!).Dispose(), socket))
        {
            try
            {
                socket.Connect(endpoint);
            }
            catch (Exception ex) when (token.IsCancellationRequested && ex is SocketException or ObjectDisposedException)
            {
                throw new OperationCanceledException(token);
            }
        }
        token.ThrowIfCancellationRequested();
    }

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken token)
    {
        string literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(literal, out var ip)) return [ip];
        IPAddress[] addresses;
        try
        {
            addresses = await resolve(host, token).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new HttpFailureException(HttpFailureReasons.DnsNoResults, $"resolving '{host}': {ex.Message}", ex);
        }
        if (addresses.Length == 0)
            throw new HttpFailureException(HttpFailureReasons.DnsNoResults, $"resolving '{host}': no addresses");
        return addresses;
    }

    /// <summary>IPv4 addresses, then IPv6 ones (or the reverse), each family in resolver order.</summary>
    internal static IPAddress[] Order(IPAddress[] addresses, bool preferIpv6)
    {
        var first = preferIpv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        return [.. addresses.Where(a => a.AddressFamily == first), .. addresses.Where(a => a.AddressFamily != first)];
    }

    private static string Show(IPAddress address, int port) => new IPEndPoint(address, port).ToString();
}
