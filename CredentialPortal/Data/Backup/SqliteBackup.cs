using System.Xml.Linq;
using CredentialPortal.Data.KeyRing;
using Microsoft.Data.Sqlite;

namespace CredentialPortal.Data.Backup;

/// <summary>What a backup or restored database holds, as printed after the copy.</summary>
public sealed record DatabaseContents(long Bytes, int KeyRingEntries, int PlaintextKeyRingEntries, IReadOnlyList<string> MasterKeyFingerprints, long AuditRecords)
{
    public string Describe() =>
        $"{Bytes / 1024.0:0.#} KiB, {AuditRecords} audit records, {KeyRingEntries} Data Protection key(s) " +
        (KeyRingEntries == 0 ? "" :
            PlaintextKeyRingEntries > 0
                ? $"of which {PlaintextKeyRingEntries} NOT encrypted: anyone holding this file can decrypt its secrets (set {PortalMasterKey.ConfigurationKey})"
                : $"encrypted with the master key of fingerprint {string.Join(", ", MasterKeyFingerprints)}: restoring needs that {PortalMasterKey.ConfigurationKey}, so keep it apart from this file");
}

/// <summary>
/// Copies of the SQLite database through SQLite's online backup API: one read transaction copies every page, so the
/// copy is a consistent snapshot even while the portal keeps writing (WAL lets it write on). The database holds the
/// key ring, so a copy carries the keys its secrets need — sealed with the master key when one is configured.
/// </summary>
public static class SqliteBackup
{
    public static DatabaseContents Backup(string databasePath, string backupPath)
    {
        databasePath = Path.GetFullPath(databasePath);
        backupPath = Path.GetFullPath(backupPath);
        if (!File.Exists(databasePath))
        {
            throw new PortalRefusedException($"There is no database at {databasePath} to back up. Check {PortalDataDirectory.ConfigurationKey} (environment variable Portal__DataDirectory).");
        }
        if (File.Exists(backupPath) || Directory.Exists(backupPath))
        {
            throw new PortalRefusedException($"{backupPath} already exists; backup never overwrites a file. Give a new name (e.g. portal-$(date +%F).db) or move the old file away.");
        }
        if (Path.GetDirectoryName(backupPath) is { } folder && !Directory.Exists(folder))
        {
            throw new PortalRefusedException($"The folder {folder} does not exist; create it first.");
        }
        return Copy(databasePath, SqliteOpenMode.ReadWrite, backupPath);
    }

    /// <summary>Restores into a data directory without a database only, so it can never overwrite live data.</summary>
    public static DatabaseContents Restore(string backupPath, string databasePath)
    {
        backupPath = Path.GetFullPath(backupPath);
        databasePath = Path.GetFullPath(databasePath);
        if (!File.Exists(backupPath))
        {
            throw new PortalRefusedException($"There is no backup file at {backupPath}.");
        }
        if (DatabaseFiles(databasePath).FirstOrDefault(File.Exists) is { } existing)
        {
            throw new PortalRefusedException(
                $"The target already holds a database ({existing}); restore only writes into an empty data directory, so it never " +
                $"overwrites live data. Point {PortalDataDirectory.ConfigurationKey} (environment variable Portal__DataDirectory) at a new, " +
                "empty directory, or stop the portal and move the existing database away first.");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        return Copy(backupPath, SqliteOpenMode.ReadOnly, databasePath);
    }

    private static IEnumerable<string> DatabaseFiles(string databasePath) =>
        [databasePath, databasePath + "-wal", databasePath + "-shm", databasePath + "-journal"];

    private static DatabaseContents Copy(string sourcePath, SqliteOpenMode sourceMode, string destinationPath)
    {
        // Written under another name and renamed when complete, so a half-written copy never passes for a database.
        var partial = destinationPath + ".partial";
        File.Delete(partial);
        // Only the owner may read the copy: it holds the encrypted secrets and the key ring.
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (new FileStream(partial, create)) { }
        try
        {
            using (var source = Open(sourcePath, sourceMode))
            {
                if (!IsPortalDatabase(source))
                {
                    throw new PortalRefusedException($"{sourcePath} is not a CredentialPortal database (it has no key ring or audit table).");
                }
                using var destination = Open(partial, SqliteOpenMode.ReadWrite);
                source.BackupDatabase(destination);
                // A self-contained single file: no WAL beside it.
                Execute(destination, "PRAGMA journal_mode = DELETE;");
                var check = Scalar<string>(destination, "PRAGMA quick_check;");
                if (check != "ok")
                {
                    throw new PortalRefusedException($"The copy of {sourcePath} failed SQLite's integrity check ({check}); nothing was written.");
                }
            }
            var contents = Inspect(partial);
            File.Move(partial, destinationPath, overwrite: false);
            return contents;
        }
        catch (SqliteException e)
        {
            throw new PortalRefusedException($"SQLite could not copy {sourcePath}: {e.Message}");
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static DatabaseContents Inspect(string path)
    {
        using var db = Open(path, SqliteOpenMode.ReadOnly);
        var entries = new List<XElement>();
        using (var command = db.CreateCommand())
        {
            command.CommandText = "SELECT Xml FROM DataProtectionKeys ORDER BY Id;";
            using var reader = command.ExecuteReader();
            while (reader.Read()) entries.Add(XElement.Parse(reader.GetString(0)));
        }
        return new DatabaseContents(
            new FileInfo(path).Length,
            entries.Count,
            entries.Count(KeyRingXml.HoldsPlaintextKey),
            entries.SelectMany(KeyRingXml.SealedParts).Select(PortalMasterKey.SealedFingerprint).Distinct().ToList(),
            Scalar<long>(db, "SELECT COUNT(*) FROM AuditLog;"));
    }

    private static bool IsPortalDatabase(SqliteConnection db) =>
        Scalar<long>(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('DataProtectionKeys', 'AuditLog', '__EFMigrationsHistory');") == 3;

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        // The portal may hold the write lock for a moment; wait for it rather than fail.
        Execute(connection, "PRAGMA busy_timeout = 30000;");
        return connection;
    }

    private static void Execute(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
