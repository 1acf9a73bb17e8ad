using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Data;

/// <summary>
/// The single place that chooses the database engine (<c>Portal:Database:Provider</c>). Domain code only sees
/// <see cref="PortalDbContext"/>; adding PostgreSQL means a new case here and its own migrations.
/// </summary>
public static class DatabaseProvider
{
    public const string ProviderKey = "Portal:Database:Provider";
    public const string ConnectionStringName = "Portal";
    public const string Sqlite = "Sqlite";

    public static IServiceCollection AddPortalDatabase(this IServiceCollection services)
    {
        services.AddDbContextFactory<PortalDbContext>((sp, options) =>
            Configure(options, sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<PortalDataDirectory>()));
        // Request-scoped contexts (Identity's stores, API endpoints) come from the same factory that
        // portal components use for short-lived contexts: a circuit must not hold one context for its lifetime.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        return services;
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, IConfiguration configuration, PortalDataDirectory dataDirectory)
    {
        var provider = configuration[ProviderKey] is { Length: > 0 } p ? p : Sqlite;
        if (provider.Equals(Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            var connectionString = configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } cs
                ? cs
                : SqliteConnectionString(dataDirectory.DatabasePath);
            return UseSqlite(options, connectionString);
        }
        throw new InvalidOperationException($"{ProviderKey} is '{provider}', which this build does not support. Supported: {Sqlite}.");
    }

    public static string SqliteConnectionString(string databasePath) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

    public static DbContextOptionsBuilder UseSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, o => o.MigrationsHistoryTable("__EFMigrationsHistory"));
}
