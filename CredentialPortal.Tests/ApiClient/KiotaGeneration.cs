using CredentialPortal.Tests.Infrastructure.TestServers;

namespace CredentialPortal.Tests.ApiClient;

/// <summary>
/// Runs Kiota (the local tool <c>microsoft.openapi.kiota</c>, pinned in .config/dotnet-tools.json) on a document and
/// returns the generated C# files by relative path. The committed client lives in <see cref="CommittedFolder"/>.
/// </summary>
public static class KiotaGeneration
{
    public const string ClientClass = "CredentialPortalClient";
    public const string Namespace = "CredentialPortal.Tests.ApiClient.Generated";

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CredentialPortal.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("CredentialPortal.sln not found above " + AppContext.BaseDirectory);
    }

    public static string CommittedFolder => Path.Combine(RepositoryRoot(), "CredentialPortal.Tests", "ApiClient", "Generated");

    /// <summary>Generates the client from <paramref name="documentFile"/> into <paramref name="output"/> (emptied first).</summary>
    public static void Generate(string documentFile, string output)
    {
        var root = RepositoryRoot();
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var (restore, restoreOutput) = NpmTools.Run(dotnet, root, "tool", "restore");
        Assert.True(restore == 0, "dotnet tool restore: " + restoreOutput);
        var (code, log) = NpmTools.Run(dotnet, root, "kiota", "generate", "--language", "CSharp", "--openapi", documentFile, "--output", output,
            "--class-name", ClientClass, "--namespace-name", Namespace, "--clean-output", "--exclude-backward-compatible", "--log-level", "Warning");
        Assert.True(code == 0, $"kiota generate exited {code}:\n{log}");
        // The lock file records where the document was read from (a temporary path), the log what Kiota said: neither is the client.
        File.Delete(Path.Combine(output, "kiota-lock.json"));
        File.Delete(Path.Combine(output, ".kiota.log"));
    }

    public static Dictionary<string, string> Files(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), f => File.ReadAllText(f).ReplaceLineEndings("\n"))
            : [];
}
