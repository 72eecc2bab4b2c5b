using LuaToolkit;

namespace LuaToolkit.Http;

/// <summary>
/// The options table of <c>http.request</c>. Keys are the snake_case of the property names; an unknown key
/// warns <c>unrecognized http request option: KEY</c> and the request still runs.
/// </summary>
[LuaOptions]
public sealed class RequestOptions
{
    /// <summary>The URL, read only by the <c>request(opts)</c> form; <c>request(url, opts)</c> ignores it.</summary>
    public string? Url { get; set; }

    /// <summary>The request method, sent as given. A body turns <c>GET</c> into <c>POST</c>.</summary>
    public string Method { get; set; } = "GET";

    /// <summary>Headers that replace the defaults of the same name (case-insensitively), else are added.</summary>
    public Dictionary<string, string>? Headers { get; set; }

    /// <summary>
    /// The request body, sent byte for byte with its Content-Length. A large one is sent from the Lua string
    /// itself (no copy of it is made); the request disposes it when it is over.
    /// </summary>
    public LuaBytes? Body { get; set; }

    /// <summary>On a new connection, try IPv6 addresses before IPv4 ones.</summary>
    public bool PreferIpv6 { get; set; }

    /// <summary>Never take a pooled connection: open a new one (closed after this request).</summary>
    public bool DontReuse { get; set; }

    /// <summary>A connection opened for this request is closed after it (a pooled one it takes stays pooled).</summary>
    public bool DontMakeReusable { get; set; }

    /// <summary>
    /// Speak HTTP/2 (an extension; Pluto has no such option). Over <c>http://</c> the server must speak it
    /// from the first byte (prior knowledge, as <c>curl --http2-prior-knowledge</c>); over <c>https://</c> it
    /// is agreed in the TLS handshake. Either way a server that does not speak HTTP/2 fails the request
    /// (<c>nil, reason</c>) rather than falling back. Concurrent requests share one connection (several when a
    /// server limits its streams), so many requests in flight cost far less memory than one connection each.
    /// </summary>
    public bool Http2 { get; set; }

    /// <summary>Seconds the whole request (connect, send, headers and body) may take; <c>math.huge</c> for no limit.</summary>
    public double Timeout { get; set; } = 30;
}
