using CredentialPortal.Data;
using CredentialPortal.Data.Backup;
using Microsoft.Data.Sqlite;

namespace CredentialPortal;

/// <summary>
/// <c>CredentialPortal backup --to FILE</c> and <c>CredentialPortal restore --from FILE</c>: run by the portal binary
/// with the portal's own configuration (appsettings, environment, command line), then exit without starting the server.
/// Exit codes: 0 done, 1 usage, 2 refused or failed (one paragraph on stderr).
/// </summary>
public static class BackupCommands
{
    public const string Backup = "backup";
    public const string Restore = "restore";

    private const string Usage =
        """
        Usage:
          CredentialPortal backup --to FILE      consistent copy of the SQLite database (key ring included), also while the portal runs
          CredentialPortal restore --from FILE   copy a backup into an empty data directory (Portal:DataDirectory)
        Configuration options (e.g. --Portal:DataDirectory=/var/lib/credentialportal) work as for the portal itself.
        """;

    public static bool Handles(string[] args) => args is [Backup or Restore, ..];

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var command = args[0];
        var fileOption = command == Backup ? "--to" : "--from";
        string? file = null;
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == fileOption && i + 1 < args.Length) file = args[++i];
            else if (args[i].StartsWith(fileOption + "=", StringComparison.Ordinal)) file = args[i][(fileOption.Length + 1)..];
            else if (args[i] is "-h" or "--help")
            {
                output.WriteLine(Usage);
                return 0;
            }
            else rest.Add(args[i]);
        }
        if (string.IsNullOrWhiteSpace(file))
        {
            error.WriteLine($"{command} needs {fileOption} FILE.");
            error.WriteLine(Usage);
            return 1;
        }

        try
        {
            // The same configuration sources as the portal, without building or starting a host.
            var configuration = WebApplication.CreateBuilder(PortalCommandLine.ToHostArguments(rest.ToArray())).Configuration;
            if (DatabaseProvider.IsPostgres(configuration))
            {
                throw new PortalRefusedException(
                    $"{command} handles the SQLite database only; this portal is configured for PostgreSQL ({DatabaseProvider.ProviderKey}). " +
                    "Use PostgreSQL's own tools: pg_dump --format=custom to back up (the key ring is the table \"DataProtectionKeys\", so the " +
                    "dump carries it) and pg_restore into an empty database to restore, then start the portal with the same Portal:MasterKey.");
            }
            var databasePath = DatabaseProvider.SqliteDatabasePath(configuration, PortalDataDirectory.FromConfiguration(configuration));
            if (command == Backup)
            {
                var contents = SqliteBackup.Backup(databasePath, file);
                output.WriteLine($"Backed up {databasePath} to {Path.GetFullPath(file)}: {contents.Describe()}.");
            }
            else
            {
                var contents = SqliteBackup.Restore(file, databasePath);
                output.WriteLine($"Restored {Path.GetFullPath(file)} to {databasePath}: {contents.Describe()}. Start the portal over it.");
            }
            return 0;
        }
        // Refusals, and configuration or file-system errors whose own message says what is wrong (a bad connection string, a
        // folder without write permission): one line each, no stack trace.
        catch (Exception e) when (e is PortalRefusedException or InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException or SqliteException)
        {
            error.WriteLine(e.Message);
            return 2;
        }
    }
}
