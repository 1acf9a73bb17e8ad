using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CredentialPortal.Data;

/// <summary>Lets <c>dotnet ef migrations add --context SqlitePortalDbContext</c> build the model without the web host.</summary>
public sealed class SqliteDesignTimeContextFactory : IDesignTimeDbContextFactory<SqlitePortalDbContext>
{
    public SqlitePortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqlitePortalDbContext>();
        DatabaseProvider.UseSqlite(options, DatabaseProvider.SqliteConnectionString(Path.Combine(Path.GetTempPath(), "credentialportal-design.db")));
        return new SqlitePortalDbContext(options.Options);
    }
}

/// <summary>Lets <c>dotnet ef migrations add --context PostgresPortalDbContext</c> build the model (no server needed).</summary>
public sealed class PostgresDesignTimeContextFactory : IDesignTimeDbContextFactory<PostgresPortalDbContext>
{
    public PostgresPortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresPortalDbContext>();
        DatabaseProvider.UsePostgres(options, "Host=127.0.0.1;Database=credentialportal_design");
        return new PostgresPortalDbContext(options.Options);
    }
}
