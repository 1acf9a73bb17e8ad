using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Cli;

/// <summary>
/// Runs the real unify binary (built beside the tests) as a child process with its own config directory, or, given
/// <paramref name="environment"/>, with exactly those variables changed (null removes one) from a chosen working directory.
/// </summary>
public sealed class UnifyProcess(string? configDirectory, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
{
    public static string DllPath { get; } = Path.GetFullPath(Path.Combine(
        AppContext.BaseDirectory.Replace("CredentialPortal.Tests", "Unify", StringComparison.Ordinal), "unify.dll"));

    public string? ConfigDirectory { get; } = configDirectory;

    public Task<ProcessRun> RunWithInputAsync(string stdin, params string[] args)
    {
        var start = ChildProcess.Dotnet(DllPath, args);
        start.Environment.Remove("UNIFY_CONFIG_DIR");
        if (ConfigDirectory is not null) start.Environment["UNIFY_CONFIG_DIR"] = ConfigDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        return ChildProcess.RunAsync(start, stdin);
    }

    public Task<ProcessRun> RunAsync(params string[] args) => RunWithInputAsync("", args);
}
