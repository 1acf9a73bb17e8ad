using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CredentialPortal.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the web host.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseProvider.UseSqlite(options, DatabaseProvider.SqliteConnectionString(Path.Combine(Path.GetTempPath(), "credentialportal-design.db")));
        return new PortalDbContext(options.Options);
    }
}
