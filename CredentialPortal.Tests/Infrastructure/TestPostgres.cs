using System.Diagnostics;
using Npgsql;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server tests use: <c>PORTAL_TEST_POSTGRES</c> (a connection string to a server whose user may
/// create databases; CI starts one with <c>.ci/postgres</c>), or else a throwaway cluster this test run starts
/// itself with that script when Debian's postgresql package is installed. <c>PORTAL_TEST_DATABASE=Postgres</c> runs
/// every portal host of the run on PostgreSQL instead of SQLite. Each host gets a database of its own.
/// </summary>
public static class TestPostgres
{
    public const string ServerVariable = "PORTAL_TEST_POSTGRES";
    public const string EngineVariable = "PORTAL_TEST_DATABASE";

    private static readonly Lazy<string> Server = new(StartOrFind, LazyThreadSafetyMode.ExecutionAndPublication);

    public static bool IsDefaultEngine =>
        string.Equals(Environment.GetEnvironmentVariable(EngineVariable), "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>A new, empty database; returns its connection string.</summary>
    public static string CreateDatabase()
    {
        var name = "cp_" + Guid.NewGuid().ToString("N")[..16];
        using (var connection = new NpgsqlConnection(Server.Value))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            create.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(Server.Value) { Database = name }.ToString();
    }

    public static void DropDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        try
        {
            using var connection = new NpgsqlConnection(Server.Value);
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            drop.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
            // Best effort, like a leftover temp folder: the throwaway cluster goes away with the run.
        }
    }

    private static string StartOrFind()
    {
        if (Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } configured) return configured;

        var script = Path.Combine(RepositoryRoot(), ".ci", "postgres");
        var directory = Path.Combine(Path.GetTempPath(), "credentialportal-pg-" + Environment.ProcessId);
        var port = 56000 + Environment.ProcessId % 4000;
        var start = Run(script, "start", directory, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (start.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"These tests need PostgreSQL: set {ServerVariable} to a server's connection string, or install Debian's " +
                $"postgresql package (apt-get install -y postgresql) so the run can start a throwaway one. {start.Error}");
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Run(script, "stop", directory);
        return start.Output.Trim();
    }

    private static (int ExitCode, string Output, string Error) Run(string script, params string[] arguments)
    {
        var info = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CredentialPortal.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("The repository root (CredentialPortal.sln) was not found above " + AppContext.BaseDirectory);
    }
}
