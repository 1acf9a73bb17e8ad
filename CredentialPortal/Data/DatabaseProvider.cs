using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

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

    private static string SqliteConnectionString(IConfiguration configuration, PortalDataDirectory dataDirectory) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } cs ? cs : SqliteConnectionString(dataDirectory.DatabasePath);

    private static string PostgresConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{ProviderKey} is {Postgres} but ConnectionStrings:{ConnectionStringName} is not set " +
                "(e.g. ConnectionStrings__Portal=\"Host=db;Database=credentialportal;Username=portal;Password=…\").");

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

    public static DbContextOptionsBuilder UsePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, o => o.MigrationsHistoryTable("__EFMigrationsHistory"));

    /// <summary>Hands out the engine's context as the engine-neutral <see cref="PortalDbContext"/>.</summary>
    private sealed class EngineContextFactory<TContext>(IDbContextFactory<TContext> engine) : IDbContextFactory<PortalDbContext>
        where TContext : PortalDbContext
    {
        public PortalDbContext CreateDbContext() => engine.CreateDbContext();
        public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await engine.CreateDbContextAsync(cancellationToken);
    }
}
