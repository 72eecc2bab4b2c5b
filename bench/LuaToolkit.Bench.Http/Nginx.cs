using System.Diagnostics;
using System.Globalization;

namespace LuaToolkit.Bench.Http;

/// <summary>
/// Item 3 against nginx instead of Kestrel (`throughput ... --nginx [path]`): one nginx process on 127.0.0.1
/// serving the same 12-byte <c>/hello</c>, with its configuration, logs and temporary files in a fresh
/// directory. <c>master_process off</c> makes it one process, this benchmark's child, so its CPU time is
/// measured like Kestrel's; keep-alive connections are never closed by request count or time. Every temporary
/// path is set, so nginx runs without root too (it creates the defaults under /var/lib/nginx otherwise).
/// </summary>
internal static class Nginx
{
    public const string DefaultPath = "/usr/sbin/nginx";

    /// <summary>
    /// The start info for nginx listening on <paramref name="port"/>, in a fresh directory that is deleted when
    /// this process exits.
    /// </summary>
    public static ProcessStartInfo StartInfo(string nginx, int port)
    {
        if (!File.Exists(nginx))
            throw new FileNotFoundException($"nginx not found at {nginx} (Debian: apt-get install nginx-light)", nginx);
        string directory = Directory.CreateTempSubdirectory("luatk-bench-nginx-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        string config = Path.Combine(directory, "nginx.conf");
        File.WriteAllText(config, string.Create(CultureInfo.InvariantCulture, $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                keepalive_requests 100000000;
                keepalive_timeout 600s;
                server {
                    listen 127.0.0.1:{{port}};
                    location = /hello { default_type text/plain; return 200 "hello world\n"; }
                }
            }
            """));
        return new ProcessStartInfo(nginx, ["-p", directory, "-c", config, "-e", Path.Combine(directory, "startup.log")]);
    }
}
