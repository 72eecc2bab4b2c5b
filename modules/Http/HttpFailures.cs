using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using LuaToolkit;

namespace LuaToolkit.Http;

/// <summary>Pluto's failure phrases: the second value of a failed <c>http.request</c>.</summary>
public static class HttpFailureReasons
{
    public const string DnsNoResults = "DNS Query Yielded No Results";
    public const string TcpHandshakeFailed = "TCP Handshake Failed";
    public const string TcpHandshakeTimedOut = "TCP Handshake Timed Out";
    public const string RequestTimedOut = "Request Timed Out";
    public const string ConnectionClosedPrematurely = "Connection Closed Prematurely";
    public const string ProtocolError = "Protocol Error";
    public const string TlsHandshakeFailed = "TLS Handshake Failed";
    public const string InvalidUrl = "Invalid URL";
    public const string UnsupportedScheme = "Unsupported URL Scheme";
    public const string RequestFailed = "Request Failed";
}

/// <summary>A failure whose reason is already known where it happens (thrown by the connect callback).</summary>
internal sealed class HttpFailureException(string reason, string detail, Exception? inner = null)
    : IOException(detail, inner)
{
    public string Reason { get; } = reason;
}

/// <summary>Maps what the transport throws to <c>nil, reason, detail</c>.</summary>
internal static class HttpFailures
{
    /// <summary>
    /// The reason a request fails with when the server closes a new connection before the request's first
    /// write reaches it: that write is the TLS handshake over https, the HTTP/2 preface over a cleartext
    /// HTTP/2 connection, else the request itself.
    /// </summary>
    public static string ClosedBeforeFirstWrite(Uri uri, bool http2) =>
        uri.Scheme == Uri.UriSchemeHttps ? HttpFailureReasons.TlsHandshakeFailed
        : http2 ? HttpFailureReasons.ProtocolError
        : HttpFailureReasons.ConnectionClosedPrematurely;

    /// <summary>The failure for an exception thrown while sending a request or reading its response.</summary>
    public static LuaFailure FromException(Exception ex, bool http2) => LuaFailure.Of(ReasonOf(ex, http2), DetailOf(ex));

    private static string ReasonOf(Exception ex, bool http2)
    {
        // A reason decided at the source wins over the transport's classification.
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is HttpFailureException known) return known.Reason;

        // A new HTTP/2 connection that ends before its handshake completes ("could not be established") may come
        // unclassified and without a cause. A server that does not speak HTTP/2 answers the preface in HTTP/1.1
        // and closes: the handler reports a protocol error if it reads that answer first, this if it sees the
        // close first. Both are the same failure. (A failed read or write before the server's first byte is
        // decided where it happens: TrackedStream.)
        if (http2 && ex is HttpRequestException { HttpRequestError: HttpRequestError.Unknown, InnerException: null })
            return HttpFailureReasons.ProtocolError;

        HttpRequestError? error = ex switch
        {
            HttpRequestException hre => hre.HttpRequestError,
            HttpIOException hio => hio.HttpRequestError,
            _ => null,
        };
        switch (error)
        {
            case HttpRequestError.NameResolutionError: return HttpFailureReasons.DnsNoResults;
            case HttpRequestError.ConnectionError: return HttpFailureReasons.TcpHandshakeFailed;
            case HttpRequestError.SecureConnectionError: return HttpFailureReasons.TlsHandshakeFailed;
            case HttpRequestError.ResponseEnded: return HttpFailureReasons.ConnectionClosedPrematurely;
            case HttpRequestError.InvalidResponse:
            case HttpRequestError.HttpProtocolError:
            case HttpRequestError.ConfigurationLimitExceeded:
            case HttpRequestError.VersionNegotiationError:
                return HttpFailureReasons.ProtocolError;
        }

        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AuthenticationException: return HttpFailureReasons.TlsHandshakeFailed;
                case InvalidDataException: return HttpFailureReasons.ProtocolError;   // a corrupt compressed body
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData }:
                    return HttpFailureReasons.DnsNoResults;
                case SocketException or IOException: return HttpFailureReasons.ConnectionClosedPrematurely;
            }
        }
        return HttpFailureReasons.RequestFailed;
    }

    /// <summary>The message of the failure decided at the source, else the outermost message with the innermost cause.</summary>
    private static string DetailOf(Exception ex)
    {
        var inner = ex;
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is HttpFailureException known) return known.Message;
            inner = e;
        }
        return ReferenceEquals(inner, ex) || ex.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? ex.Message
            : $"{ex.Message} ({inner.Message})";
    }
}
