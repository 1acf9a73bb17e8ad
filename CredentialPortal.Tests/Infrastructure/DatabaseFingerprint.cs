using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// A SHA-256 per table over every row of every table the database holds (the engine's own catalogue, so a table the
/// EF model does not know is covered too), for "refused input changed nothing" checks. Rows are hashed in a fixed
/// order, so two fingerprints are equal exactly when the tables hold the same rows.
/// </summary>
public static class DatabaseFingerprint
{
    public static async Task<IReadOnlyDictionary<string, string>> OfAsync(TestDataDirectory data, params string[] excludedTables)
    {
        await using DbConnection connection = data.IsPostgres
            ? new NpgsqlConnection(data.PostgresConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = data.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = data.IsPostgres
                ? "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in tables.Except(excludedTables, StringComparer.OrdinalIgnoreCase))
        {
            var rows = new List<string>();
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var row = new StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row.Append(reader.GetName(i)).Append('=');
                    row.Append(reader.IsDBNull(i) ? "<null>" : Convert.ToString(reader.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes) : reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture));
                    row.Append('\u001f');
                }
                rows.Add(row.ToString());
            }
            rows.Sort(StringComparer.Ordinal);
            result[table] = $"{rows.Count} rows, {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001e', rows))))[..16]}";
        }
        return result;
    }
}
