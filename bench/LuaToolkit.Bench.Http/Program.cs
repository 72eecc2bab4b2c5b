using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LuaToolkit;
using LuaToolkit.Bench.Http;
using LuaToolkit.Http;

// dotnet run -c Release --project bench/LuaToolkit.Bench.Http -- throughput [sequentialCount] [concurrentCount] [--rounds N] [--nginx [path]]
// dotnet run -c Release --project bench/LuaToolkit.Bench.Http -- bigbody
// dotnet run -c Release --project bench/LuaToolkit.Bench.Http -- waiting [count]
// (internal) server <port> <http2Port>
return args switch
{
    ["server", var port, var http2Port] => Server.Run(int.Parse(port), int.Parse(http2Port)),
    ["throughput", .. var rest] => await ThroughputCommand(rest),
    ["bigbody-case", var which, var url] => Bench.BigBodyCase(which, url),
    ["waiting", .. var wrest] => await Bench.WithServer(b => b.Waiting(wrest.Length > 0 ? int.Parse(wrest[0]) : 10000)),
    ["waiting-case", var which, var url, var count, var version] => Bench.WaitingCase(which, url, int.Parse(count), version == "2"),
    ["bigbody", ..] => await Bench.WithServer(b => b.BigBody()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LuaToolkit.Bench.Http throughput [seqCount] [concCount] [--rounds N] [--nginx [path]] | bigbody | waiting [count]");
    return 2;
}

// Item 3 against Kestrel (default) or, with --nginx, against nginx (path optional); --rounds: alternating rounds per case.
static Task<int> ThroughputCommand(string[] rest)
{
    int rounds = 5;
    int r = Array.IndexOf(rest, "--rounds");
    if (r >= 0)
    {
        if (r + 1 >= rest.Length || !int.TryParse(rest[r + 1], out rounds) || rounds < 1) return Task.FromResult(Usage());
        rest = [.. rest[..r], .. rest[(r + 2)..]];
    }
    int at = Array.IndexOf(rest, "--nginx");
    string? nginx = at < 0 ? null : at + 1 < rest.Length ? rest[at + 1] : Nginx.DefaultPath;
    var counts = at < 0 ? rest : rest[..at];
    int seq = counts.Length > 0 ? int.Parse(counts[0]) : 5000, conc = counts.Length > 1 ? int.Parse(counts[1]) : 10000;
    return nginx is null
        ? Bench.WithServer(b => b.Throughput(seq, conc, rounds))
        : Bench.WithServer(b => b.Throughput(seq, conc, rounds), port => Nginx.StartInfo(nginx, port), "nginx");
}

namespace LuaToolkit.Bench.Http
{
    /// <param name="http2BaseUrl">The same server over cleartext HTTP/2; null when the server has no such port (nginx).</param>
    internal sealed partial class Bench(string baseUrl, string? http2BaseUrl, Process server)
    {
        private int _failures;

        /// <summary>Starts the server child process (its output captured), waits for it, runs the benchmark, always kills the child.</summary>
        public static async Task<int> WithServer(Func<Bench, Task> body, Func<int, ProcessStartInfo>? startServer = null, string serverName = "Kestrel")
        {
            int port = FreePort();
            int? http2Port = startServer is null ? FreePort(except: port) : null;
            var psi = startServer?.Invoke(port) ?? KestrelStartInfo(port, http2Port!.Value);
            psi.UseShellExecute = false;
            psi.RedirectStandardOutput = true;
            psi.RedirectStandardError = true;
            using var server = Process.Start(psi)!;
            server.OutputDataReceived += (_, _) => { };
            server.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("[server] " + e.Data); };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            try
            {
                string baseUrl = $"http://127.0.0.1:{port}";
                await WaitUntilUp(baseUrl + "/hello", server);
                string? http2BaseUrl = http2Port is { } p ? $"http://127.0.0.1:{p}" : null;
                var bench = new Bench(baseUrl, http2BaseUrl, server);
                string also = http2BaseUrl is null ? "" : $" (HTTP/2 on {http2BaseUrl})";
                Console.WriteLine($"{serverName} server pid {server.Id} on {baseUrl}{also}; {Environment.ProcessorCount} cores; {DateTime.Now:yyyy-MM-dd HH:mm}");
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

        /// <summary>This executable again, as `server &lt;port&gt; &lt;http2Port&gt;` (through `dotnet` if it was launched that way).</summary>
        private static ProcessStartInfo KestrelStartInfo(int port, int http2Port)
        {
            var psi = new ProcessStartInfo(Environment.ProcessPath!, ["server", port.ToString(), http2Port.ToString()]);
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
                psi.ArgumentList.Insert(0, typeof(Bench).Assembly.Location);
            return psi;
        }

        private static int FreePort(int except = 0)
        {
            while (true)
            {
                var l = new TcpListener(IPAddress.Loopback, 0);
                l.Start();
                int port = ((IPEndPoint)l.LocalEndpoint).Port;
                l.Stop();
                if (port != except) return port;
            }
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

        /// <summary>One request, so JIT and connection are done before anything is measured (as for HttpClient).</summary>
        private static void WarmUp(LuaHost lua, string baseUrl, bool http2 = false) =>
            lua.DoString(Bind("local url, h2 = ... require('http').request(url, { http2 = h2 })", baseUrl + "/hello", http2));

        private static long WorkingSet()
        {
            using var p = Process.GetCurrentProcess();
            return p.WorkingSet64;
        }

        /// <summary>
        /// Items 4 and 5, in their child process: runs <paramref name="work"/> between a baseline and the peak
        /// working set, then checks its result (untimed, after the peak is read) and prints
        /// <c>RESULT seconds baseline peak</c>. Returns 0, or 1 with the reason <paramref name="wrong"/> gave.
        /// </summary>
        internal static int Measure<T>(Func<T> work, Func<T, string?> wrong)
        {
            long baseline = BaselineWorkingSet();
            var sw = Stopwatch.StartNew();
            T result = work();
            sw.Stop();
            long peak = PeakWorkingSet();
            if (wrong(result) is { } reason)
            {
                Console.WriteLine(reason);
                return 1;
            }
            Console.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, "RESULT {0} {1} {2}", sw.Elapsed.TotalSeconds, baseline, peak));
            return 0;
        }

        /// <summary>
        /// The working set now, and from now on the peak: setup may have briefly held more (the upload case
        /// builds its body with Lua's string.rep then :sub, two copies at once), which is not what is measured.
        /// </summary>
        private static long BaselineWorkingSet()
        {
            try
            {
                File.WriteAllText("/proc/self/clear_refs", "5"); // Linux: resets VmHWM to the current RSS
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.WriteLine("note: could not reset the peak working set; the peak includes setup");
            }
            return WorkingSet();
        }

        private static long PeakWorkingSet()
        {
            using var p = Process.GetCurrentProcess();
            return p.PeakWorkingSet64;
        }

        private void Check(bool ok, string what)
        {
            if (ok) return;
            _failures++;
            Console.WriteLine("CHECK FAILED: " + what);
        }

        // ---------------------------------------------------------------- item 3: throughput

        // `h2`: the requests use the module's http2 option (one options table for all of them).
        private const string LuaSequential = """
            local url, n, h2 = ...
            local http = require 'http'
            local opts = h2 and { http2 = true } or nil
            local fails = 0
            for i = 1, n do
              local body, status = http.request(url, opts)
              if status ~= 200 or body ~= "hello world\n" then fails = fails + 1 end
            end
            return fails
            """;

        private const string LuaConcurrent = """
            local url, n, k, h2 = ...
            local http = require 'http'
            local opts = h2 and { http2 = true } or nil
            local s = require('scheduler').new()
            local fails, done = 0, 0
            local per = n // k
            for c = 1, k do
              s:add(function()
                for i = 1, per do
                  local body, status = http.request(url, opts)
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
            var lits = string.Join(", ", values.Select(v => v switch
            {
                string s => Quote(s),
                bool b => b ? "true" : "false",
                _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
            }));
            return $"return (function(...)\n{code}\nend)({lits})";
        }

        private double LuaSeq(LuaHost lua, string url, int n, bool http2)
        {
            var sw = Stopwatch.StartNew();
            var r = lua.DoString(Bind(LuaSequential, url, n, http2));
            sw.Stop();
            long fails = Convert.ToInt64(r[0]);
            Check(fails == 0, $"lua sequential: {fails} of {n} responses wrong");
            return n / sw.Elapsed.TotalSeconds;
        }

        private double LuaConc(LuaHost lua, string url, int n, int k, bool http2)
        {
            var sw = Stopwatch.StartNew();
            var r = lua.DoString(Bind(LuaConcurrent, url, n, k, http2));
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

        public async Task Throughput(int seqCount, int concCount, int rounds)
        {
            Console.WriteLine($"item 3: GET /hello (12-byte body), sequential n={seqCount}, concurrent n={concCount}");
            Console.WriteLine("each case: a fresh Lua host and a fresh HttpClient, both warmed up with the case's own workload,");
            Console.WriteLine($"then {rounds} alternating rounds, best of each; per request over the {rounds} rounds: CPU microseconds of this");
            Console.WriteLine("process (client) + the server process, and bytes the client allocated, for ours | HttpClient");
            Console.WriteLine($"{"case",-22} {"ours req/s",12} {"HttpClient req/s",17} {"ratio",7}  target >= 0.90  CPU us + alloc per request, ours | HttpClient");
            foreach (int k in new[] { 1, 16, 64 })
                await ThroughputCase(baseUrl + "/hello", k, k == 1 ? seqCount : concCount, rounds, http2: false);
            if (http2BaseUrl is null) return;
            // No target: the module's http2 option against HttpClient set up the same way (version 2.0, exact,
            // more than one connection when the server caps its streams).
            Console.WriteLine("over HTTP/2 (option http2 = true; HttpClient with version 2.0), no target:");
            foreach (int k in new[] { 1, 16, 64 })
                await ThroughputCase(http2BaseUrl + "/hello", k, k == 1 ? seqCount : concCount, rounds, http2: true);
        }

        /// <summary>One row of item 3: k = 1 is a sequential loop, otherwise k coroutines against k tasks.</summary>
        private async Task ThroughputCase(string url, int k, int n, int rounds, bool http2)
        {
            // Each case stands for a script of its own: a sequential script never used coroutines, so its
            // connections were opened and used by blocking requests only (see HttpModule: blocking requests
            // do synchronous I/O, which .NET can do natively only on a socket never used asynchronously).
            using var lua = NewLua();
            var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5), EnableMultipleHttp2Connections = http2 };
            using var client = new HttpClient(handler);
            if (http2)
            {
                client.DefaultRequestVersion = HttpVersion.Version20;
                client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
            }
            Func<int, double> ours = k == 1 ? count => LuaSeq(lua, url, count, http2) : count => LuaConc(lua, url, count, k, http2);
            ours(Math.Max(500, 10 * k));
            await ClientConc(client, url, Math.Max(500, 10 * k), k);
            double o = 0, t = 0;
            Usage oc = default, tc = default;
            for (int round = 0; round < rounds; round++)
            {
                var before = UsageNow();
                o = Math.Max(o, ours(n));
                var middle = UsageNow();
                t = Math.Max(t, await ClientConc(client, url, n, k));
                var after = UsageNow();
                oc += (middle - before) / ((double)rounds * (n / k * k));
                tc += (after - middle) / ((double)rounds * (n / k * k));
            }
            double ratio = o / t;
            string name = (k == 1 ? "sequential" : $"{k} concurrent") + (http2 ? ", HTTP/2" : "");
            string verdict = http2 ? "      " : ratio >= 0.9 ? "met   " : "MISSED";
            Console.WriteLine($"{name,-22} {o,12:F0} {t,17:F0} {ratio,7:F2}  {verdict}          {oc} | {tc}");
        }

        /// <summary>
        /// CPU time in microseconds of this process (the client) and of the server process, and the bytes this
        /// process allocated.
        /// </summary>
        private readonly record struct Usage(double ClientCpu, double ServerCpu, double Allocated)
        {
            public static Usage operator -(Usage a, Usage b) => new(a.ClientCpu - b.ClientCpu, a.ServerCpu - b.ServerCpu, a.Allocated - b.Allocated);
            public static Usage operator +(Usage a, Usage b) => new(a.ClientCpu + b.ClientCpu, a.ServerCpu + b.ServerCpu, a.Allocated + b.Allocated);
            public static Usage operator /(Usage a, double d) => new(a.ClientCpu / d, a.ServerCpu / d, a.Allocated / d);
            public override string ToString() => $"{ClientCpu:F1}+{ServerCpu:F1} {Allocated,5:F0} B";
        }

        private Usage UsageNow()
        {
            using var self = Process.GetCurrentProcess();
            server.Refresh();
            return new(self.TotalProcessorTime.TotalMicroseconds, server.TotalProcessorTime.TotalMicroseconds, GC.GetTotalAllocatedBytes(precise: false));
        }
    }
}
