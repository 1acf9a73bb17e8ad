using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// The built portal (CredentialPortal.dll under <c>dotnet</c>) as a child process: Kestrel on 127.0.0.1 with a port the
/// system picks, over a test data directory, Development environment (production start-up requirements are another
/// test's business), lowered password hashing. For tests that kill the process outright and start it again.
/// <see cref="RunAsync"/> runs it once to completion instead (the backup and restore commands, refused start-ups).
/// </summary>
public sealed partial class PortalProcess : IAsyncDisposable
{
    public static string DllPath { get; } = Path.GetFullPath(Path.Combine(
        AppContext.BaseDirectory.Replace("CredentialPortal.Tests", "CredentialPortal", StringComparison.Ordinal), "CredentialPortal.dll"));

    /// <summary>
    /// Runs the binary to completion with only the environment given (no ASPNETCORE_ENVIRONMENT unless given, so it
    /// runs as Production, as an operator would with <c>dotnet CredentialPortal.dll</c>).
    /// </summary>
    public static Task<ProcessRun> RunAsync(IDictionary<string, string?> environment, params string[] args)
    {
        var start = ChildProcess.Dotnet(DllPath, args);
        start.WorkingDirectory = Path.GetDirectoryName(DllPath)!;
        RemoveInheritedSettings(start);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        return ChildProcess.RunAsync(start);
    }

    /// <summary>Only a test's own settings reach the child, whatever the test run's environment holds.</summary>
    private static void RemoveInheritedSettings(ProcessStartInfo start)
    {
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Portal__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }
    }

    private readonly Process process;
    private readonly StringBuilder output = new();

    private PortalProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; private set; }

    /// <summary>Everything the process printed so far (for failure messages).</summary>
    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    public static async Task<PortalProcess> StartAsync(TestDataDirectory data, IDictionary<string, string>? settings = null)
    {
        if (data.IsPostgres) throw new ArgumentException("PortalProcess runs the portal over a SQLite data directory.", nameof(data));
        var start = ChildProcess.Dotnet(DllPath, ["--urls", "http://127.0.0.1:0"]);
        start.WorkingDirectory = Path.GetDirectoryName(DllPath)!; // the content root: appsettings.json and static assets
        RemoveInheritedSettings(start);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Portal__DataDirectory"] = data.Path,
            ["Portal__AdminPassword"] = PortalAppFactory.AdminPassword,
            ["Portal__DemoPassword"] = PortalAppFactory.DemoPassword,
            ["Portal__SeedDemo"] = "true",
            ["Portal__PasswordHashIterations"] = "1000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var process = Process.Start(start)!;
        var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var portal = new PortalProcess(process, new Uri("http://127.0.0.1/"));
        void Collect(string? line)
        {
            if (line is null) return;
            lock (portal.output) portal.output.AppendLine(line);
            if (RunningAt().Match(line) is { Success: true } match) started.TrySetResult(new Uri(match.Groups[1].Value));
        }
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(started.Task, exited, Task.Delay(TimeSpan.FromSeconds(90)));
        if (first != started.Task)
        {
            await portal.DisposeAsync();
            throw new InvalidOperationException($"The portal did not start (exited: {process.HasExited}). Output:\n{portal.Output}");
        }
        portal.Address = await started.Task;
        return portal;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush, no disposal; whatever the process had not written is gone.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: false);
        process.WaitForExit();
    }

    public bool HasExited => process.HasExited;

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    [GeneratedRegex(@"CredentialPortal is running at (http://127\.0\.0\.1:\d+)")]
    private static partial Regex RunningAt();
}
