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

    private int _placed;

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
