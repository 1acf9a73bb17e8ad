using Microsoft.Data.Sqlite;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>A fresh data directory (SQLite file + key ring) per test host, removed afterwards.</summary>
public sealed class TestDataDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "credentialportal-tests", Guid.NewGuid().ToString("N"));

    public string DatabasePath => System.IO.Path.Combine(Path, "portal.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools(); // pooled connections keep the file open
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
