using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CredentialPortal.Tests.Infrastructure.TestServers;

/// <summary>
/// A real server the connection-check tests start on a loopback port with its own files in a temporary directory, and
/// stop afterwards. A missing program fails the test with the Debian package .ci/run installs for it: nothing is skipped.
/// </summary>
public abstract class TestServerProcess : IDisposable
{
    private Process? process;

    protected TestServerProcess(string name)
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "credentialportal-servers", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }
    public string LogPath => System.IO.Path.Combine(Directory, "server.log");

    public static string Require(string program, string debianPackage) =>
        File.Exists(program)
            ? program
            : throw new InvalidOperationException($"{program} is missing: install the Debian package '{debianPackage}' (.ci/run installs it).");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a set-up program to completion; its output is in the exception when it fails.</summary>
    public static string Run(string program, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? input = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) start.Environment[k] = v;
        using var p = Process.Start(start)!;
        if (input is not null)
        {
            p.StandardInput.Write(input);
            p.StandardInput.Close();
        }
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"{program} did not finish."); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} failed ({p.ExitCode}): {output.Result}{errors.Result}");
        return output.Result;
    }

    /// <summary>Starts the server (output to <see cref="LogPath"/>) and waits until every port accepts connections.</summary>
    protected void Start(string program, IEnumerable<string> arguments, IEnumerable<int> ports, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? Directory };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) start.Environment[k] = v;
        var log = new StreamWriter(File.Open(System.IO.Path.Combine(Directory, "console.log"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var port in ports)
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{program} exited ({process.ExitCode}): {File.ReadAllText(System.IO.Path.Combine(Directory, "console.log"))}");
                }
                try
                {
                    using var probe = new TcpClient();
                    probe.Connect(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(100);
                }
            }
        }
    }

    public void Stop()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        process?.Dispose();
        process = null;
    }

    public virtual void Dispose()
    {
        Stop();
        if (Environment.GetEnvironmentVariable("PORTAL_TEST_KEEP_SERVERS") == "1") return; // to read a failed run's logs
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        GC.SuppressFinalize(this);
    }
}

/// <summary>A TCP listener that accepts connections and never says a word: the server that hangs a client.</summary>
public sealed class SilentListener : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> accepted = [];
    private int open;
    private int maxOpen;

    public SilentListener()
    {
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;
    /// <summary>The most connections held open at one time (each probe and client connection counts).</summary>
    public int MaxOpen => Volatile.Read(ref maxOpen);
    public int Accepted { get { lock (accepted) return accepted.Count; } }
    /// <summary>Connections open now: a client that was killed has closed its own.</summary>
    public int Open => Volatile.Read(ref open);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync();
                lock (accepted) accepted.Add(client);
                var now = Interlocked.Increment(ref open);
                int seen;
                while (now > (seen = Volatile.Read(ref maxOpen)) && Interlocked.CompareExchange(ref maxOpen, now, seen) != seen) { }
                _ = WatchAsync(client);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task WatchAsync(TcpClient client)
    {
        var buffer = new byte[1024];
        try
        {
            while (await client.GetStream().ReadAsync(buffer) > 0) { }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
        }
        Interlocked.Decrement(ref open);
    }

    public void Dispose()
    {
        listener.Stop();
        lock (accepted) foreach (var c in accepted) c.Dispose();
    }
}
