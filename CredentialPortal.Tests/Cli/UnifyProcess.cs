using System.Diagnostics;

namespace CredentialPortal.Tests.Cli;

/// <summary>
/// Runs the real unify binary (built beside the tests) as a child process with its own config directory, or, given
/// <paramref name="environment"/>, with exactly those variables changed (null removes one) from a chosen working directory.
/// </summary>
public sealed class UnifyProcess(string? configDirectory, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
{
    public sealed record Run(int ExitCode, string Output, string Error)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static string DllPath { get; } = Path.GetFullPath(Path.Combine(
        AppContext.BaseDirectory.Replace("CredentialPortal.Tests", "Unify", StringComparison.Ordinal), "unify.dll"));

    public string? ConfigDirectory { get; } = configDirectory;

    public async Task<Run> RunWithInputAsync(string stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("UNIFY_CONFIG_DIR");
        if (ConfigDirectory is not null) start.Environment["UNIFY_CONFIG_DIR"] = ConfigDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // never leave a hung unify behind
            throw new TimeoutException($"unify {string.Join(' ', args)} did not finish within 60 s.");
        }
        return new Run(process.ExitCode, await output, await error);
    }

    public Task<Run> RunAsync(params string[] args) => RunWithInputAsync("", args);
}
