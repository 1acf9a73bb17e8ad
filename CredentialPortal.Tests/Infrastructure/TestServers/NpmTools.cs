using System.Diagnostics;

namespace CredentialPortal.Tests.Infrastructure.TestServers;

/// <summary>
/// The npm packages the tests run (this folder's package.json, pinned by its lock file): installed with <c>npm ci</c>
/// once per run, and again only when the lock file is newer than the installed tree, so a run on a machine that already
/// has them needs no registry.
/// </summary>
public static class NpmTools
{
    private static readonly object Install = new();

    /// <summary>The installed folder of an npm package, e.g. <c>@redocly/cli</c>.</summary>
    public static string Package(string name)
    {
        var folder = PackageFolder();
        lock (Install)
        {
            var installed = Path.Combine(folder, "node_modules", ".package-lock.json");
            var lockFile = Path.Combine(folder, "package-lock.json");
            if (!File.Exists(installed) || File.GetLastWriteTimeUtc(installed) < File.GetLastWriteTimeUtc(lockFile)
                || !File.Exists(Path.Combine(folder, "node_modules", name, "package.json")))
            {
                var (code, output) = Run(Require("/usr/bin/npm", "npm"), folder, "ci", "--no-audit", "--no-fund", "--prefix", folder);
                if (code != 0) throw new InvalidOperationException($"npm ci in {folder} failed ({code}):\n{output}");
            }
        }
        return Path.Combine(folder, "node_modules", name);
    }

    public static string Node => Require("/usr/bin/node", "nodejs");

    /// <summary>Runs a program to its end; its exit code and everything it wrote (stdout then stderr).</summary>
    public static (int Code, string Output) Run(string program, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["NO_UPDATE_NOTIFIER"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in 5 minutes.");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string Require(string path, string debianPackage) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: install the Debian package '{debianPackage}' (.ci/run installs it).");

    /// <summary>This folder in the source tree (the package.json and its lock file live here).</summary>
    public static string PackageFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "CredentialPortal.Tests", "Infrastructure", "TestServers");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new InvalidOperationException("CredentialPortal.Tests/Infrastructure/TestServers/package.json not found above " + AppContext.BaseDirectory);
    }
}
