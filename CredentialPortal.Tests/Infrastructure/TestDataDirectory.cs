using System.Text;
using CredentialPortal.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// Where one portal's data lives for a test, removed afterwards: a fresh data directory with its SQLite file, or a
/// database of its own on the test PostgreSQL server (<see cref="TestPostgres"/>). Hosts started over the same
/// instance share the data (a restart, or a second instance).
/// </summary>
public sealed class TestDataDirectory : IDisposable
{
    public TestDataDirectory(bool? postgres = null)
    {
        if (postgres ?? TestPostgres.IsDefaultEngine) PostgresConnectionString = TestPostgres.CreateDatabase();
    }

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "credentialportal-tests", Guid.NewGuid().ToString("N"));

    public string DatabasePath => System.IO.Path.Combine(Path, "portal.db");

    /// <summary>Set when the data lives in PostgreSQL.</summary>
    public string? PostgresConnectionString { get; }

    public bool IsPostgres => PostgresConnectionString is not null;

    /// <summary>The settings that point a portal at this data.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new(PortalDataDirectory.ConfigurationKey, Path),
        .. IsPostgres
            ? new KeyValuePair<string, string?>[]
            {
                new(DatabaseProvider.ProviderKey, DatabaseProvider.Postgres),
                new("ConnectionStrings:" + DatabaseProvider.ConnectionStringName, PostgresConnectionString),
            }
            : [],
    ];

    /// <summary>
    /// Everything the database holds, as stored, for "no plaintext at rest" scans: the SQLite files byte for byte
    /// (WAL included), or every row of every PostgreSQL table as text.
    /// </summary>
    public async Task<IReadOnlyList<byte[]>> StoredBytesAsync()
    {
        if (!IsPostgres)
        {
            SqliteConnection.ClearAllPools(); // checkpoint and release the files
            return Directory.GetFiles(Path, "portal.db*").Select(File.ReadAllBytes).ToList();
        }
        var rows = new StringBuilder();
        await using var connection = new NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        foreach (var table in tables)
        {
            await using var dump = new NpgsqlCommand($"SELECT t::text FROM \"{table}\" t", connection);
            await using var reader = await dump.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.AppendLine(reader.GetString(0));
        }
        return [Encoding.UTF8.GetBytes(rows.ToString())];
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools(); // pooled connections keep the file open
        if (PostgresConnectionString is not null) TestPostgres.DropDatabase(PostgresConnectionString);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
    }
}
