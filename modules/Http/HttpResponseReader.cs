using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using HttpResult = (byte[] Body, int Status, System.Collections.Generic.Dictionary<string, string> Headers, string StatusText);

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

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<HttpResult> ReadAsync(HttpResponseMessage response, bool async, CancellationToken token)
    {
        var headers = new Dictionary<string, string>(
            response.Headers.NonValidated.Count + response.Content.Headers.NonValidated.Count, StringComparer.OrdinalIgnoreCase);
        AddHeaders(headers, response.Headers.NonValidated);
        AddHeaders(headers, response.Content.Headers.NonValidated);

        byte[] body;
        if (async)
        {
            body = await ReadBodyAsync(response.Content, async: true, token).ConfigureAwait(false);
        }
        else
        {
            // Synchronous reads do not watch the token: a timeout closes the connection under them instead.
            using var abort = token.Register(static r => ((HttpResponseMessage)r!).Dispose(), response);
            body = await ReadBodyAsync(response.Content, async: false, token).ConfigureAwait(false);
            token.ThrowIfCancellationRequested();
        }
        headers.TryGetValue("Content-Encoding", out string? encoding);
        if (ContentDecoder.Plan(encoding) is { } codings)
        {
            body = ContentDecoder.Decode(body, codings);
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

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<byte[]> ReadBodyAsync(HttpContent content, bool async, CancellationToken token)
    {
        long? length = content.Headers.ContentLength;
        // The response's headers are in: its content stream is at hand without I/O (no Task to allocate).
        using var stream = content.ReadAsStream(token);
        if (length is not > 0)
        {
            using var unknown = new MemoryStream();
            if (async) await stream.CopyToAsync(unknown, 81920, token).ConfigureAwait(false);
            else stream.CopyTo(unknown, 81920);
            return unknown.ToArray();
        }

        // Read straight into one array of the announced size, so the body exists once in managed memory
        // (then once more as the Lua string). The array grows as bytes arrive, never past what was announced,
        // so a server that announces more than it sends cannot make us allocate it up front.
        long expected = Math.Min(length.Value, Array.MaxLength);
        var body = GC.AllocateUninitializedArray<byte>((int)Math.Min(expected, MaxPreallocation));
        int filled = 0;
        while (true)
        {
            if (filled == body.Length)
            {
                if (body.Length >= expected) break;
                Array.Resize(ref body, (int)Math.Min(expected, 2L * body.Length));
            }
            int read = async
                ? await stream.ReadAsync(body.AsMemory(filled), token).ConfigureAwait(false)
                : stream.Read(body.AsSpan(filled));
            if (read == 0) break;
            filled += read;
        }
        return filled == body.Length ? body : body[..filled];
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
