using CredentialPortal.Data;
using Microsoft.Data.Sqlite;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// SQLite's write lock held from a second connection (<c>BEGIN IMMEDIATE</c>), as another process, a backup tool or a
/// stuck writer would hold it, until disposed (rolled back, nothing written).
/// </summary>
public sealed class SqliteWriteLock : IAsyncDisposable
{
    private readonly SqliteConnection connection;
    private readonly SqliteTransaction transaction;

    private SqliteWriteLock(SqliteConnection connection, SqliteTransaction transaction) =>
        (this.connection, this.transaction) = (connection, transaction);

    public static SqliteWriteLock Take(TestDataDirectory data)
    {
        var connection = new SqliteConnection(DatabaseProvider.SqliteConnectionString(data.DatabasePath));
        connection.Open();
        return new SqliteWriteLock(connection, connection.BeginTransaction(deferred: false)); // BEGIN IMMEDIATE
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
