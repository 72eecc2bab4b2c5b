using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LuaToolkit;
using LuaToolkit.Bench.Http;
using LuaToolkit.Http;

// dotnet run -c Release --project bench/LuaToolkit.Bench.Http -- throughput [sequentialCount] [concurrentCount]
// dotnet run -c Release --project bench/LuaToolkit.Bench.Http -- bigbody
// (internal) server <port>
return args switch
{
    ["server", var port] => Server.Run(int.Parse(port)),
    ["throughput", .. var rest] => await Bench.WithServer(b => b.Throughput(
        rest.Length > 0 ? int.Parse(rest[0]) : 5000, rest.Length > 1 ? int.Parse(rest[1]) : 10000)),
    ["bigbody-case", var which, var url] => Bench.BigBodyCase(which, url),
    ["waiting", .. var wrest] => await Bench.WithServer(b => b.Waiting(wrest.Length > 0 ? int.Parse(wrest[0]) : 10000)),
    ["waiting-case", var which, var url, var count] => Bench.WaitingCase(which, url, int.Parse(count)),
    ["bigbody", ..] => await Bench.WithServer(b => b.BigBody()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LuaToolkit.Bench.Http throughput [seqCount] [concCount] | bigbody");
    return 2;
}

namespace LuaToolkit.Bench.Http
{
    internal sealed partial class Bench(string baseUrl)
    {
        private int _failures;

        /// <summary>Starts the server child process, waits for it, runs the benchmark, always kills the child.</summary>
        public static async Task<int> WithServer(Func<Bench, Task> body)
        {
            int port = FreePort();
            var psi = new ProcessStartInfo(Environment.ProcessPath!, ["server", port.ToString()])
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            // If launched through `dotnet LuaToolkit.Bench.Http.dll`, run the dll again the same way.
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
                psi.ArgumentList.Insert(0, typeof(Bench).Assembly.Location);
            using var server = Process.Start(psi)!;
            server.OutputDataReceived += (_, _) => { };
            server.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("[server] " + e.Data); };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            try
            {
                string baseUrl = $"http://127.0.0.1:{port}";
                await WaitUntilUp(baseUrl + "/hello", server);
                var bench = new Bench(baseUrl);
                Console.WriteLine($"server pid {server.Id} on {baseUrl}; {Environment.ProcessorCount} cores; {DateTime.Now:yyyy-MM-dd HH:mm}");
                await body(bench);
                if (bench._failures > 0)
                {
                    Console.WriteLine($"FAILED: {bench._failures} check(s) failed");
                    return 1;
                }
                Console.WriteLine("all checks passed");
                return 0;
            }
            finally
            {
                try { if (!server.HasExited) server.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                server.WaitForExit(5000);
            }
        }

        private static int FreePort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        private static async Task WaitUntilUp(string url, Process server)
        {
            using var c = new HttpClient();
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < TimeSpan.FromSeconds(30))
            {
                if (server.HasExited) throw new InvalidOperationException($"server exited with {server.ExitCode}");
                try
                {
                    if ((await c.GetAsync(url)).IsSuccessStatusCode) return;
                }
                catch (HttpRequestException) { }
                await Task.Delay(100);
            }
            throw new TimeoutException("server did not answer within 30 s");
        }

        private static LuaHost NewLua()
        {
            var lua = new LuaHost();
            lua.AddModule(HttpModule.LuaBinding);
            lua.AddScheduler();
            return lua;
        }

        private void Check(bool ok, string what)
        {
            if (ok) return;
            _failures++;
            Console.WriteLine("CHECK FAILED: " + what);
        }

        // ---------------------------------------------------------------- item 3: throughput

        private const string LuaSequential = """
            local url, n = ...
            local http = require 'http'
            local fails = 0
            for i = 1, n do
              local body, status = http.request(url)
              if status ~= 200 or body ~= "hello world\n" then fails = fails + 1 end
            end
            return fails
            """;

        private const string LuaConcurrent = """
            local url, n, k = ...
            local http = require 'http'
            local s = require('scheduler').new()
            local fails, done = 0, 0
            local per = n // k
            for c = 1, k do
              s:add(function()
                for i = 1, per do
                  local body, status = http.request(url)
                  if status ~= 200 or body ~= "hello world\n" then fails = fails + 1 end
                  done = done + 1
                end
              end)
            end
            s:run()
            return fails, done
            """;

        private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        private static string Bind(string code, params object[] values)
        {
            // Lua chunk with `...` bound to literal values (DoString takes no arguments).
            var lits = string.Join(", ", values.Select(v => v is string s ? Quote(s) : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)));
            return $"return (function(...)\n{code}\nend)({lits})";
        }

        private double LuaSeq(LuaHost lua, string url, int n)
        {
            var sw = Stopwatch.StartNew();
            var r = lua.DoString(Bind(LuaSequential, url, n));
            sw.Stop();
            long fails = Convert.ToInt64(r[0]);
            Check(fails == 0, $"lua sequential: {fails} of {n} responses wrong");
            return n / sw.Elapsed.TotalSeconds;
        }

        private double LuaConc(LuaHost lua, string url, int n, int k)
        {
            var sw = Stopwatch.StartNew();
            var r = lua.DoString(Bind(LuaConcurrent, url, n, k));
            sw.Stop();
            long fails = Convert.ToInt64(r[0]), done = Convert.ToInt64(r[1]);
            int expected = n / k * k;
            Check(fails == 0 && done == expected, $"lua {k} coroutines: {fails} wrong, {done} of {expected} done");
            return done / sw.Elapsed.TotalSeconds;
        }

        private async Task<double> ClientConc(HttpClient client, string url, int n, int k)
        {
            int per = n / k, fails = 0;
            async Task Worker()
            {
                for (int i = 0; i < per; i++)
                {
                    using var resp = await client.GetAsync(url);
                    var body = await resp.Content.ReadAsByteArrayAsync();
                    if (resp.StatusCode != HttpStatusCode.OK || !body.AsSpan().SequenceEqual(Server.Hello)) Interlocked.Increment(ref fails);
                }
            }
            var sw = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, k).Select(_ => Task.Run(Worker)));
            sw.Stop();
            Check(fails == 0, $"HttpClient {k} tasks: {fails} responses wrong");
            return per * k / sw.Elapsed.TotalSeconds;
        }

        public async Task Throughput(int seqCount, int concCount)
        {
            string url = baseUrl + "/hello";
            Console.WriteLine($"item 3: GET /hello (12-byte body), sequential n={seqCount}, concurrent n={concCount}");
            Console.WriteLine("each case: a fresh Lua host and a fresh HttpClient, both warmed up with the case's own workload,");
            Console.WriteLine("then 3 alternating rounds, best of each");
            Console.WriteLine($"{"case",-22} {"ours req/s",12} {"HttpClient req/s",17} {"ratio",7}  target >= 0.90");
            void Row(string name, double ours, double theirs)
            {
                double ratio = ours / theirs;
                Console.WriteLine($"{name,-22} {ours,12:F0} {theirs,17:F0} {ratio,7:F2}  {(ratio >= 0.9 ? "met" : "MISSED")}");
            }
            // Each case stands for a script of its own: a sequential script never used coroutines, so its
            // connections were opened and used by blocking requests only (see HttpModule: blocking requests
            // do synchronous I/O, which .NET can do natively only on a socket never used asynchronously).
            foreach (int k in new[] { 1, 16, 64 })
            {
                using var lua = NewLua();
                using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) });
                int n = k == 1 ? seqCount : concCount;
                Func<int, double> ours = k == 1 ? count => LuaSeq(lua, url, count) : count => LuaConc(lua, url, count, k);
                ours(Math.Max(500, 10 * k));
                await ClientConc(client, url, Math.Max(500, 10 * k), k);
                double o = 0, t = 0;
                for (int round = 0; round < 3; round++)
                {
                    o = Math.Max(o, ours(n));
                    t = Math.Max(t, await ClientConc(client, url, n, k));
                }
                Row(k == 1 ? "sequential" : $"{k} concurrent", o, t);
            }
        }

        // ---------------------------------------------------------------- item 4: big bodies

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
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            static long Ws() { using var p = Process.GetCurrentProcess(); return p.WorkingSet64; }
            static long Peak() { using var p = Process.GetCurrentProcess(); return p.PeakWorkingSet64; }
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
                    // JIT + connection, as the HttpClient case's warm-up request.
                    lua.DoString(Bind("local url = ... require('http').request(url)", baseUrl + "/hello"));
                    long baseline = Ws();
                    var sw = Stopwatch.StartNew();
                    var r = lua.DoString(Bind("""
                        local url = ...
                        local http = require 'http'
                        local status
                        big_body, status = http.request(url, { timeout = math.huge })
                        return status, #(big_body or "")
                        """, big));
                    sw.Stop();
                    long peak = Peak();
                    // Untimed, after the peak is read: whole-body check in 251*4096-byte chunks.
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
                    if (r[0] is not 200L || ok[0] is not true) { Console.WriteLine($"lua download wrong: status {r[0]}, length {r[1]}"); return 1; }
                    Console.WriteLine(string.Format(inv, "RESULT {0} {1} {2}", sw.Elapsed.TotalSeconds, baseline, peak));
                    return 0;
                }
                case "hc-down":
                {
                    using var client = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
                    client.GetByteArrayAsync(baseUrl + "/hello").GetAwaiter().GetResult(); // JIT + connection, as the Lua case's require
                    long baseline = Ws();
                    var sw = Stopwatch.StartNew();
                    var bytes = client.GetByteArrayAsync(big).GetAwaiter().GetResult();
                    sw.Stop();
                    long peak = Peak();
                    bool ok = bytes.Length == size;
                    for (int i = 0; ok && i < bytes.Length; i++) if (bytes[i] != Server.PatternAt(i)) ok = false;
                    if (!ok) { Console.WriteLine("HttpClient download wrong"); return 1; }
                    Console.WriteLine(string.Format(inv, "RESULT {0} {1} {2}", sw.Elapsed.TotalSeconds, baseline, peak));
                    return 0;
                }
                case "lua-up":
                {
                    using var lua = NewLua();
                    lua.DoString(Bind(PatternChunk + """
                        local size = ...
                        upload_body = string.rep(chunk, size // #chunk + 1):sub(1, size)
                        collectgarbage('collect')
                        """, size));
                    lua.DoString(Bind("local url = ... require('http').request(url)", baseUrl + "/hello"));
                    // Baseline includes the 100 MiB string (the script's own data); the peak is read after.
                    long baseline = Ws();
                    var sw = Stopwatch.StartNew();
                    var r = lua.DoString(Bind("""
                        local url = ...
                        local http = require 'http'
                        local body, status = http.request(url, { method = 'POST', body = upload_body, timeout = math.huge })
                        return status, body
                        """, up));
                    sw.Stop();
                    long peak = Peak();
                    if (r[0] is not 200L || (string?)r[1] != $"ok {size}") { Console.WriteLine($"lua upload wrong: {r[0]} {r[1]}"); return 1; }
                    Console.WriteLine(string.Format(inv, "RESULT {0} {1} {2}", sw.Elapsed.TotalSeconds, baseline, peak));
                    return 0;
                }
                case "hc-up":
                {
                    using var client = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
                    client.GetByteArrayAsync(baseUrl + "/hello").GetAwaiter().GetResult();
                    var payload = Server.PatternBlock(size);
                    GC.Collect();
                    long baseline = Ws();
                    var sw = Stopwatch.StartNew();
                    using var resp = client.PostAsync(up, new ByteArrayContent(payload)).GetAwaiter().GetResult();
                    var text = resp.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                    sw.Stop();
                    long peak = Peak();
                    if (resp.StatusCode != HttpStatusCode.OK || text != $"ok {size}") { Console.WriteLine($"HttpClient upload wrong: {text}"); return 1; }
                    Console.WriteLine(string.Format(inv, "RESULT {0} {1} {2}", sw.Elapsed.TotalSeconds, baseline, peak));
                    GC.KeepAlive(payload);
                    return 0;
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
}
