using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LuaToolkit.Http.Tests.Infrastructure;

/// <summary>
/// A TCP server on 127.0.0.1 that answers each request head with bytes a test chooses, for responses Kestrel
/// will not produce (a body cut short, a close-delimited body, no reason phrase). The responder gets the
/// connection's stream and the request head; the connection closes when the responder returns.
/// </summary>
public sealed class RawServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<Stream, string, Task> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly ServerSignal _signal = new();
    private int _accepted;
    private int _closed;

    public RawServer(Func<Stream, string, Task> respond)
    {
        _respond = respond;
        _listener.Start();
        _ = AcceptLoop.RunAsync(_listener, _stop.Token, client =>
        {
            Interlocked.Increment(ref _accepted);
            _signal.Pulse();
            _ = ServeAsync(client);
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public int Accepted => Volatile.Read(ref _accepted);

    public int Closed => Volatile.Read(ref _closed);

    /// <summary>Writes <paramref name="response"/> for every request and closes the connection.</summary>
    public static RawServer Replying(string response) =>
        new(async (stream, _) => await stream.WriteAsync(Encoding.Latin1.GetBytes(response)));

    public Task<bool> WaitUntilAsync(Func<RawServer, bool> condition, int timeoutMs = 5000) =>
        _signal.WaitUntilAsync(() => condition(this), timeoutMs);

    /// <summary>Reads one request head (through the blank line); null when the client closed first.</summary>
    public static async Task<string?> ReadHeadAsync(Stream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0) return null;
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                string? head = await ReadHeadAsync(stream);
                if (head is not null) await _respond(stream, head);
            }
        }
        catch (Exception)
        {
            // the client went away
        }
        finally
        {
            Interlocked.Increment(ref _closed);
            _signal.Pulse();
        }
    }
}
