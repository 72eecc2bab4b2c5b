namespace LuaToolkit.Http;

/// <summary>
/// One request in flight, as seen by the connections. The module sets <see cref="Current"/> before handing
/// the request to the handler; the execution context flows into the handler's writes, so the connection
/// the request is written to learns which request it serves (see <see cref="TrackedStream"/>).
/// </summary>
internal sealed class RequestScope
{
    private static readonly AsyncLocal<RequestScope?> CurrentScope = new();

    public static RequestScope? Current
    {
        get => CurrentScope.Value;
        set => CurrentScope.Value = value;
    }

    /// <summary>The loop a coroutine's request does its socket I/O through; null for blocking requests.</summary>
    public LuaEventLoop? Loop { get; init; }

    /// <summary>The connection this request was last written to.</summary>
    public TrackedStream? Connection { get; set; }

    /// <summary>Whether that connection served no request before this one (it was opened for it).</summary>
    public bool ConnectionWasNew { get; set; }

    /// <summary>
    /// The generation that counts this HTTP/1.1 request as not yet on a connection; null for HTTP/2.
    /// </summary>
    public HandlerGeneration? AwaitingConnectionIn { get; init; }

    /// <summary>
    /// The TLS connection whose handshake runs in this request's flow. The connect callback and the
    /// handler's plaintext filter run in the same flow, one connection at a time, so the filter ends the
    /// handshake of the connection the callback started.
    /// </summary>
    public TrackedStream? Handshaking { get; private set; }

    private int _placed;

    /// <summary>A TLS connection opened in this flow starts its handshake (unless one already is: then its writes bind as before).</summary>
    public void BeginHandshake(TrackedStream connection)
    {
        if (Handshaking is { IsOpen: true }) return;
        connection.BeginHandshake();
        Handshaking = connection;
    }

    /// <summary>The handler got the plaintext stream of the connection whose handshake this flow ran.</summary>
    public void EndHandshake()
    {
        Handshaking?.EndHandshake();
        Handshaking = null;
    }

    /// <summary>The request has written to a connection, or is over: tells <see cref="AwaitingConnectionIn"/> once.</summary>
    public void Place()
    {
        if (AwaitingConnectionIn is { } generation && Volatile.Read(ref _placed) == 0 && Interlocked.Exchange(ref _placed, 1) == 0)
            generation.Placed();
    }

    /// <summary>The request is over (response read and disposed): its connection is idle again.</summary>
    public void Release()
    {
        Connection?.Release(this);
        Place();
    }
}
