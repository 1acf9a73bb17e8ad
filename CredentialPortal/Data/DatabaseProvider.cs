using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CredentialPortal.Data;

/// <summary>
/// The single place that chooses the database engine (<c>Portal:Database:Provider</c>: <c>Sqlite</c>, the default,
/// or <c>Postgres</c> with <c>ConnectionStrings:Portal</c>). Domain code only sees <see cref="PortalDbContext"/>;
/// each engine has its own context subclass so that it owns its own migrations.
/// </summary>
public static class DatabaseProvider
{
    public const string ProviderKey = "Portal:Database:Provider";
    public const string ConnectionStringName = "Portal";
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    public static IServiceCollection AddPortalDatabase(this IServiceCollection services)
    {
        // Both engines are registered; configuration picks one when the first context is made, so a test host's
        // settings (applied after Program reads its own) decide.
        services.AddDbContextFactory<SqlitePortalDbContext>((sp, options) =>
            UseSqlite(options, SqliteConnectionString(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<PortalDataDirectory>())));
        services.AddDbContextFactory<PostgresPortalDbContext>((sp, options) =>
            UsePostgres(options, PostgresConnectionString(sp.GetRequiredService<IConfiguration>())));
        services.AddSingleton<IDbContextFactory<PortalDbContext>>(sp =>
            IsPostgres(sp.GetRequiredService<IConfiguration>())
                ? new EngineContextFactory<PostgresPortalDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresPortalDbContext>>())
                : new EngineContextFactory<SqlitePortalDbContext>(sp.GetRequiredService<IDbContextFactory<SqlitePortalDbContext>>()));
        // Request-scoped contexts (Identity's stores, API endpoints) come from the same factory that
        // portal components use for short-lived contexts: a circuit must not hold one context for its lifetime.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        services.AddSingleton<ClusterSignals>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterSignals>());
        return services;
    }

    /// <summary>The configured engine; an unknown name stops start-up with the supported ones.</summary>
    public static bool IsPostgres(IConfiguration configuration)
    {
        var provider = configuration[ProviderKey] is { Length: > 0 } p ? p : Sqlite;
        if (provider.Equals(Sqlite, StringComparison.OrdinalIgnoreCase)) return false;
        if (provider.Equals(Postgres, StringComparison.OrdinalIgnoreCase) || provider.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase)) return true;
        throw new InvalidOperationException($"{ProviderKey} is '{provider}', which this build does not support. Supported: {Sqlite}, {Postgres}.");
    }

    /// <summary>The SQLite database file the portal uses (the connection string's, else the data directory's).</summary>
    public static string SqliteDatabasePath(IConfiguration configuration, PortalDataDirectory dataDirectory) =>
        Path.GetFullPath(new SqliteConnectionStringBuilder(SqliteConnectionString(configuration, dataDirectory)).DataSource);

    /// <summary>A configured connection string is used as written (its own Default Timeout included).</summary>
    private static string SqliteConnectionString(IConfiguration configuration, PortalDataDirectory dataDirectory) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } cs
            ? cs
            : SqliteConnectionString(dataDirectory.DatabasePath, DatabaseBusy.Timeout(configuration));

    private static string PostgresConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{ProviderKey} is {Postgres} but ConnectionStrings:{ConnectionStringName} is not set " +
                "(e.g. ConnectionStrings__Portal=\"Host=db;Database=credentialportal;Username=portal;Password=…\").");

    /// <summary>
    /// <paramref name="busyTimeout"/> (whole seconds, at least one) is how long a statement waits for another
    /// connection's lock before it fails with SQLITE_BUSY (<see cref="DatabaseBusy"/>).
    /// </summary>
    public static string SqliteConnectionString(string databasePath, TimeSpan? busyTimeout = null) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = DatabaseBusy.TimeoutSeconds(busyTimeout ?? DatabaseBusy.DefaultTimeout),
        }.ToString();

    public static DbContextOptionsBuilder UseSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, o => o.MigrationsHistoryTable("__EFMigrationsHistory"))
            .AddInterceptors(SqliteConnectionPragmas.Instance);

    public static DbContextOptionsBuilder UsePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, o => o.MigrationsHistoryTable("__EFMigrationsHistory"));

    /// <summary>
    /// Per-connection settings (SQLite keeps neither in the file), applied whenever a connection opens.
    /// <para><c>synchronous=FULL</c>: in WAL mode (DatabaseStartup), NORMAL would already keep every acknowledged
    /// commit through a killed process, because the commit sits in the WAL in the OS's cache. It can lose the last
    /// commits to a power cut or an OS crash, though, and here an acknowledged commit may be the only copy of a rotated
    /// credential (the new secret is already set in the connected system, the old one no longer works). FULL syncs the
    /// WAL to disk at each commit, so an acknowledged change survives those too; changes are rare enough that one
    /// fsync per commit costs nothing that matters. SQLite builds differ in their default (some use NORMAL in WAL
    /// mode), so the choice is made here rather than inherited.</para>
    /// <para><c>busy_timeout</c> = the connection's Default Timeout (<see cref="DatabaseBusy"/>): SQLite's own busy
    /// handler then waits for another writer's lock, taking it within milliseconds of its release. Without it the
    /// driver polls every 150 ms, so every brush with another writer would cost a request 150 ms.</para>
    /// </summary>
    private sealed class SqliteConnectionPragmas : DbConnectionInterceptor
    {
        public static readonly SqliteConnectionPragmas Instance = new();

        private static string Pragmas(DbConnection connection) =>
            $"PRAGMA synchronous=FULL; PRAGMA busy_timeout={((SqliteConnection)connection).DefaultTimeout * 1000};";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas(connection);
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas(connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Hands out the engine's context as the engine-neutral <see cref="PortalDbContext"/>.</summary>
    private sealed class EngineContextFactory<TContext>(IDbContextFactory<TContext> engine) : IDbContextFactory<PortalDbContext>
        where TContext : PortalDbContext
    {
        public PortalDbContext CreateDbContext() => engine.CreateDbContext();
        public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await engine.CreateDbContextAsync(cancellationToken);
    }
}
