using System.Diagnostics;
using System.Net;

namespace LuaToolkit.Bench.Http;

// Item 4: 100 MiB download and upload, ours against HttpClient.
internal sealed partial class Bench
{

    /// <summary>Runs this executable as a child with <paramref name="args"/>; returns the numbers of its
    /// <c>RESULT</c> line, or null (a failed check) when it exited non-zero or printed none.</summary>
    private async Task<double[]?> RunCase(params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!, args) { UseShellExecute = false, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            psi.ArgumentList.Insert(0, typeof(Bench).Assembly.Location);
        using var child = Process.Start(psi)!;
        string output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT "));
        if (child.ExitCode != 0 || line is null)
        {
            Check(false, $"{string.Join(' ', args)}: exit {child.ExitCode}: {output.Trim()}");
            return null;
        }
        return line.Split(' ').Skip(1).Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    // Each big-body case runs in a fresh child process (`bigbody-case <case> <baseUrl>`), so its peak
    // working set (VmHWM, Process.PeakWorkingSet64) is its own and not memory another case left mapped.
    public async Task BigBody()
    {
        Console.WriteLine($"item 4: 100 MiB ({Server.BigSize} bytes) download and upload; body byte i = i mod 251");
        Console.WriteLine("target: >= 0.80x HttpClient MiB/s; peak working set <= 2.5x body (250 MiB) above the process's baseline");
        Console.WriteLine("each case 3 times, alternating, in fresh processes: best time, worst memory");
        var res = new Dictionary<string, double[]>();
        for (int round = 0; round < 3; round++)
        {
            foreach (var c in new[] { "lua-down", "hc-down", "lua-up", "hc-up" })
            {
                if (await RunCase("bigbody-case", c, baseUrl) is not { } r) return;
                // RESULT seconds baseline peak: keep the fastest time and the largest peak above baseline.
                if (!res.TryGetValue(c, out var kept)) res[c] = r;
                else res[c] = r[2] - r[1] > kept[2] - kept[1] ? [Math.Min(kept[0], r[0]), r[1], r[2]] : [Math.Min(kept[0], r[0]), kept[1], kept[2]];
            }
        }
        Report("download", res["lua-down"], res["hc-down"]);
        Report("upload", res["lua-up"], res["hc-up"]);
    }

    /// <summary>One big-body case in this (child) process; prints RESULT and exits 0 only if the body checked out.</summary>
    public static int BigBodyCase(string which, string baseUrl)
    {
        const string PatternChunk = """
            local block = {}
            for i = 0, 250 do block[#block + 1] = string.char(i) end
            local chunk = string.rep(table.concat(block), 4096)
            """;
        string big = baseUrl + "/big", up = baseUrl + "/upload";
        int size = Server.BigSize;
        switch (which)
        {
            case "lua-down":
            {
                using var lua = NewLua();
                WarmUp(lua, baseUrl);
                return Measure(() => lua.DoString(Bind("""
                    local url = ...
                    local http = require 'http'
                    local status
                    big_body, status = http.request(url, { timeout = math.huge })
                    return status, #(big_body or "")
                    """, big)), r =>
                {
                    // Whole-body check in 251*4096-byte chunks.
                    var ok = lua.DoString(Bind(PatternChunk + """
                        local size = ...
                        local body = big_body
                        if type(body) ~= 'string' or #body ~= size then return false end
                        local pos = 1
                        while pos <= size do
                          local n = math.min(#chunk, size - pos + 1)
                          local want = n == #chunk and chunk or chunk:sub(1, n)
                          if body:sub(pos, pos + n - 1) ~= want then return false end
                          pos = pos + n
                        end
                        return true
                        """, size));
                    return r[0] is 200L && ok[0] is true ? null : $"lua download wrong: status {r[0]}, length {r[1]}";
                });
            }
            case "hc-down":
            {
                using var client = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
                client.GetByteArrayAsync(baseUrl + "/hello").GetAwaiter().GetResult(); // JIT + connection, as the Lua case's require
                return Measure(() => client.GetByteArrayAsync(big).GetAwaiter().GetResult(), bytes =>
                {
                    bool ok = bytes.Length == size;
                    for (int i = 0; ok && i < bytes.Length; i++) if (bytes[i] != Server.PatternAt(i)) ok = false;
                    return ok ? null : "HttpClient download wrong";
                });
            }
            case "lua-up":
            {
                using var lua = NewLua();
                lua.DoString(Bind(PatternChunk + """
                    local size = ...
                    upload_body = string.rep(chunk, size // #chunk + 1):sub(1, size)
                    collectgarbage('collect')
                    """, size));
                WarmUp(lua, baseUrl);
                // The baseline includes the 100 MiB string: the script's own data, not the transfer's.
                return Measure(() => lua.DoString(Bind("""
                    local url = ...
                    local http = require 'http'
                    local body, status = http.request(url, { method = 'POST', body = upload_body, timeout = math.huge })
                    return status, body
                    """, up)), r => r[0] is 200L && (string?)r[1] == $"ok {size}" ? null : $"lua upload wrong: {r[0]} {r[1]}");
            }
            case "hc-up":
            {
                using var client = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
                client.GetByteArrayAsync(baseUrl + "/hello").GetAwaiter().GetResult();
                var payload = Server.PatternBlock(size);
                GC.Collect();
                return Measure(() =>
                {
                    using var resp = client.PostAsync(up, new ByteArrayContent(payload)).GetAwaiter().GetResult();
                    return (resp.StatusCode, Text: resp.Content.ReadAsStringAsync().GetAwaiter().GetResult());
                }, r => r.StatusCode == HttpStatusCode.OK && r.Text == $"ok {size}" ? null : $"HttpClient upload wrong: {r.Text}");
            }
            default:
                Console.WriteLine("unknown case " + which);
                return 2;
        }
    }

    private static void Report(string what, double[] ours, double[] theirs)
    {
        const double MB = 1024 * 1024;
        double size = Server.BigSize;
        double o = size / MB / ours[0], t = size / MB / theirs[0], ratio = o / t;
        double od = ours[2] - ours[1], td = theirs[2] - theirs[1];
        Console.WriteLine($"{what}: ours {o:F0} MiB/s, HttpClient {t:F0} MiB/s, ratio {ratio:F2} ({(ratio >= 0.8 ? "met" : "MISSED")})");
        Console.WriteLine($"  peak working set above baseline: ours {od / MB:F0} MiB = {od / size:F2}x body ({(od <= 2.5 * size ? "met" : "MISSED")}; baseline {ours[1] / MB:F0}, peak {ours[2] / MB:F0} MiB), " +
                          $"HttpClient {td / MB:F0} MiB = {td / size:F2}x body (baseline {theirs[1] / MB:F0}, peak {theirs[2] / MB:F0} MiB)");
    }
}
