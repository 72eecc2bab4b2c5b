using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using HttpResult = (LuaToolkit.LuaStringBuffer Body, int Status, System.Collections.Generic.Dictionary<string, string> Headers, string StatusText);

namespace LuaToolkit.Http;

/// <summary>
/// Reads a response completely: the body to its end (Content-Length, chunked or connection close; none for
/// HEAD), decoded by Content-Encoding; header names re-cased Title-Case with repeated fields joined by
/// <c>", "</c> in a case-insensitive dictionary; the reason phrase as sent (<c>""</c> when there is none).
/// </summary>
internal static class HttpResponseReader
{
    // Announced lengths up to this are allocated at once: uninitialized pages cost nothing until written.
    private const int MaxPreallocation = 256 << 20;

    // Without an announced length, each read has at least this much room.
    private const int UnknownLengthChunk = 16 << 10;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<HttpResult> ReadAsync(HttpResponseMessage response, bool async, CancellationToken token)
    {
        var headers = new Dictionary<string, string>(
            response.Headers.NonValidated.Count + response.Content.Headers.NonValidated.Count, StringComparer.OrdinalIgnoreCase);
        AddHeaders(headers, response.Headers.NonValidated);
        AddHeaders(headers, response.Content.Headers.NonValidated);

        LuaStringBuffer body;
        if (async)
        {
            body = await ReadBodyAsync(response.Content, async: true, token).ConfigureAwait(false);
        }
        else
        {
            // Synchronous reads do not watch the token: a timeout closes the connection under them instead.
            using var abort = token.Register(static r => ((HttpResponseMessage)r!).Dispose(), response);
            body = await ReadBodyAsync(response.Content, async: false, token).ConfigureAwait(false);
            if (token.IsCancellationRequested) body.Dispose();
            token.ThrowIfCancellationRequested();
        }
        headers.TryGetValue("Content-Encoding", out string? encoding);
        if (ContentDecoder.Plan(encoding) is { } codings)
        {
            body = ContentDecoder.Decode(body, codings);   // takes the encoded body
            headers.Remove("Content-Encoding");
            headers.Remove("Content-Length");   // it counted the encoded bytes
        }
        return (body, (int)response.StatusCode, headers, ReasonPhrase(response));
    }

    /// <summary><c>content-type</c> → <c>Content-Type</c>: each dash-separated part capitalised, the rest lower case.</summary>
    public static string TitleCase(string name)
    {
        // Most servers already send Title-Case names (and .NET hands out interned known names): no copy then.
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] == CaseAt(name, i)) continue;
            return string.Create(name.Length, name, static (span, name) =>
            {
                for (int j = 0; j < name.Length; j++) span[j] = CaseAt(name, j);
            });
        }
        return name;
    }

    /// <summary>The Title-Case form of character <paramref name="i"/>: upper after a dash or at the start.</summary>
    private static char CaseAt(string name, int i)
    {
        char c = name[i];
        bool upper = i == 0 || name[i - 1] == '-';
        // Header names are ASCII tokens: letters flip by one bit, everything else stays.
        if (char.IsAsciiLetter(c)) return upper ? (char)(c & ~0x20) : (char)(c | 0x20);
        return c < 128 ? c : upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
    }

    private static void AddHeaders(Dictionary<string, string> into, HttpHeadersNonValidated headers)
    {
        foreach (var (name, values) in headers)
        {
            string key = TitleCase(name);
            string joined = values.ToString();   // one value as is; several joined with ", "
            into[key] = into.TryGetValue(key, out string? existing) ? existing + ", " + joined : joined;
        }
    }

    /// <summary>
    /// Reads the body into a <see cref="LuaStringBuffer"/>, which becomes the Lua string itself: a large body
    /// is read straight into the block Lua then adopts, so it exists once and is never copied after the read.
    /// With an announced length, the buffer grows as bytes arrive, never past what was announced, so a server
    /// that announces more than it sends cannot make us allocate it up front.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<LuaStringBuffer> ReadBodyAsync(HttpContent content, bool async, CancellationToken token)
    {
        long? length = content.Headers.ContentLength;
        long expected = length is > 0 ? Math.Min(length.Value, int.MaxValue) : long.MaxValue;
        // The response's headers are in: its content stream is at hand without I/O (no Task to allocate).
        using var stream = content.ReadAsStream(token);
        var body = new LuaStringBuffer(length is > 0 ? (int)Math.Min(expected, MaxPreallocation) : 0);
        try
        {
            while (body.Length < expected)
            {
                Memory<byte> into;
                if (expected == long.MaxValue)
                {
                    into = body.GetMemory(UnknownLengthChunk);
                }
                else
                {
                    if (body.Length == body.Capacity) body.EnsureCapacity((int)Math.Min(expected, 2L * body.Capacity));
                    into = body.GetMemory()[..(int)Math.Min(expected - body.Length, body.Capacity - body.Length)];
                }
                int read = async
                    ? await stream.ReadAsync(into, token).ConfigureAwait(false)
                    : stream.Read(into.Span);
                if (read == 0) break;
                body.Advance(read);
            }
            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The reason phrase the server sent. <see cref="HttpResponseMessage.ReasonPhrase"/> substitutes the
    /// standard phrase when none was sent; the field it reads is <c>null</c> exactly then.
    /// </summary>
    private static string ReasonPhrase(HttpResponseMessage response)
    {
        try
        {
            return SentReasonPhrase(response) ?? "";
        }
        catch (MissingFieldException)
        {
            return response.ReasonPhrase ?? "";
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_reasonPhrase")]
    private static extern ref string? SentReasonPhrase(HttpResponseMessage response);
}
