using System.Diagnostics;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// Runs the built portal binary (CredentialPortal.dll, as an operator would with <c>dotnet CredentialPortal.dll</c>)
/// as a child process from its own folder, with only the environment a test gives it: no ASPNETCORE_ENVIRONMENT
/// unless given, so it runs as Production.
/// </summary>
public static class PortalProcess
{
    public sealed record Run(int ExitCode, string Output, string Error);

    public static string Folder { get; } = AppContext.BaseDirectory.Replace("CredentialPortal.Tests", "CredentialPortal", StringComparison.Ordinal);

    public static async Task<Run> RunAsync(IDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(Folder, "CredentialPortal.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The test runner's own environment must not decide the portal's.
        foreach (var inherited in start.Environment.Keys.Where(k =>
                     k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal) ||
                     k.StartsWith("Portal__", StringComparison.Ordinal) || k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment) start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"CredentialPortal {string.Join(' ', args)} did not exit within 60 s. Output so far: {await output} {await error}");
        }
        return new Run(process.ExitCode, await output, await error);
    }
}
