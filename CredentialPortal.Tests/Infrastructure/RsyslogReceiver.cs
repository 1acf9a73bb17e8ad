using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// Debian's rsyslogd as a child process with its own configuration in a temporary directory: imtcp on three loopback
/// ports — plain TCP, TLS (gtls, a throwaway CA and server certificate made with openssl) and a second plain port for
/// CEF — each writing the raw message and rsyslog's own RFC 5424 parse (APP-NAME|MSGID|STRUCTURED-DATA) to files.
/// It can be stopped (SIGTERM, so it writes out what it received) and started again on the same ports and files.
/// </summary>
public sealed class RsyslogReceiver : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/rsyslogd";

    private readonly string directory = Path.Combine(Path.GetTempPath(), "credentialportal-rsyslog", Guid.NewGuid().ToString("N"));
    private Process? process;

    public int TcpPort { get; } = FreePort();
    public int TlsPort { get; } = FreePort();
    public int CefPort { get; } = FreePort();

    public string CaFile => Path.Combine(directory, "ca.pem");
    public string TcpEndpoint => $"tcp://127.0.0.1:{TcpPort}";
    public string TlsEndpoint => $"tls://127.0.0.1:{TlsPort}";
    public string CefEndpoint => $"tcp://127.0.0.1:{CefPort}";

    public static async Task<RsyslogReceiver> StartAsync()
    {
        var receiver = new RsyslogReceiver();
        Directory.CreateDirectory(receiver.directory);
        await receiver.MakeCertificatesAsync();
        await receiver.WriteConfigurationAsync();
        await receiver.StartAgainAsync();
        return receiver;
    }

    /// <summary>Raw messages received on one input, one per line (rsyslog's %rawmsg%, the frame's length removed).</summary>
    public IReadOnlyList<string> Messages(string input) => ReadLines($"{input}.log");

    /// <summary>rsyslog's own parse of each message: APP-NAME|MSGID|STRUCTURED-DATA.</summary>
    public IReadOnlyList<string> Parsed(string input) => ReadLines($"{input}-parsed.log");

    public byte[] AllBytes() => Directory.GetFiles(directory, "*.log").SelectMany(File.ReadAllBytes).ToArray();

    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-n", "-f", Path.Combine(directory, "rsyslog.conf"), "-i", Path.Combine(directory, "rsyslogd.pid") }) start.ArgumentList.Add(arg);
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        foreach (var port in new[] { TcpPort, TlsPort, CefPort })
        {
            while (!await AcceptsAsync(port))
            {
                if (process.HasExited || DateTime.UtcNow > deadline) throw new InvalidOperationException($"rsyslogd did not listen on 127.0.0.1:{port} (exited: {process.HasExited}).");
                await Task.Delay(50);
            }
        }
    }

    /// <summary>SIGTERM: rsyslog closes its connections and writes out its queue before it exits.</summary>
    public async Task StopAsync()
    {
        if (process is null || process.HasExited) return;
        _ = Kill(process.Id, 15);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
        process.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (process is { HasExited: false }) process.Kill();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private IReadOnlyList<string> ReadLines(string file)
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        // Only whole lines: rsyslog may be half-way through writing the last one.
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n');
    }

    private async Task MakeCertificatesAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(directory, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
        await OpenSslAsync("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2", "-subj", "/CN=CredentialPortal test CA");
        await OpenSslAsync("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server-key.pem", "-out", "server.csr", "-subj", "/CN=localhost");
        await OpenSslAsync("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext");
    }

    private async Task OpenSslAsync(params string[] args)
    {
        var start = new ProcessStartInfo("openssl") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var openssl = Process.Start(start)!;
        var error = openssl.StandardError.ReadToEndAsync();
        await openssl.StandardOutput.ReadToEndAsync();
        await openssl.WaitForExitAsync();
        if (openssl.ExitCode != 0) throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed: {await error}");
    }

    private Task WriteConfigurationAsync()
    {
        string Output(string input) => $$"""
            ruleset(name="{{input}}") {
              action(type="omfile" file="{{directory}}/{{input}}.log" template="raw")
              action(type="omfile" file="{{directory}}/{{input}}-parsed.log" template="parsed")
            }
            """;
        var configuration = $$"""
            global(workDirectory="{{directory}}" maxMessageSize="64k"
              DefaultNetstreamDriverCAFile="{{directory}}/ca.pem"
              DefaultNetstreamDriverCertFile="{{directory}}/server.pem"
              DefaultNetstreamDriverKeyFile="{{directory}}/server-key.pem")
            module(load="imtcp")
            template(name="raw" type="string" string="%rawmsg%\n")
            template(name="parsed" type="string" string="%app-name%|%msgid%|%structured-data%\n")
            {{Output("tcp")}}
            {{Output("tls")}}
            {{Output("cef")}}
            input(type="imtcp" address="127.0.0.1" port="{{TcpPort}}" ruleset="tcp")
            input(type="imtcp" address="127.0.0.1" port="{{TlsPort}}" ruleset="tls" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
            input(type="imtcp" address="127.0.0.1" port="{{CefPort}}" ruleset="cef")
            """;
        return File.WriteAllTextAsync(Path.Combine(directory, "rsyslog.conf"), configuration);
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var probe = new TcpClient();
        try
        {
            await probe.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
