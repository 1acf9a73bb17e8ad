using CredentialPortal.Domain.Connectors;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CredentialPortal.Data;

public class PortalDbContext(DbContextOptions<PortalDbContext> options)
    : IdentityDbContext<PortalUser, PortalRole, int>(options)
{
    public DbSet<AdSyncProfile> AdSyncProfiles => Set<AdSyncProfile>();
    public DbSet<StorageTarget> StorageTargets => Set<StorageTarget>();
    public DbSet<ImportSource> ImportSources => Set<ImportSource>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<PortalUser>(u =>
        {
            u.Property(x => x.DisplayName).HasMaxLength(256);
            u.Property(x => x.Source).HasConversion<string>().HasMaxLength(32);
            u.HasIndex(x => x.DisplayName);
        });

        // One table per resource; the wire's "type" value is the discriminator (DESIGN §3).
        builder.Entity<AdSyncProfile>(e =>
        {
            e.ToTable("AdSyncProfiles");
            e.HasDiscriminator<string>("Type")
                .HasValue<LdapSyncProfile>(LdapSyncProfile.TypeName)
                .HasValue<AzureAdSyncProfile>(AzureAdSyncProfile.TypeName);
            e.Property("Type").HasMaxLength(32);
            e.HasIndex("Type");
        });

        builder.Entity<StorageTarget>(e =>
        {
            e.ToTable("StorageTargets");
            e.HasDiscriminator<string>("Type")
                .HasValue<AmazonS3StorageTarget>(AmazonS3StorageTarget.TypeName)
                .HasValue<AzureBlobStorageTarget>(AzureBlobStorageTarget.TypeName)
                .HasValue<SftpStorageTarget>(SftpStorageTarget.TypeName)
                .HasValue<SmbStorageTarget>(SmbStorageTarget.TypeName);
            e.Property("Type").HasMaxLength(32);
            e.HasIndex("Type");
        });
        // Types that share a property name share its column.
        builder.Entity<SftpStorageTarget>().Property(x => x.UserName).HasColumnName("UserName");
        builder.Entity<SmbStorageTarget>().Property(x => x.UserName).HasColumnName("UserName");

        builder.Entity<ImportSource>(e =>
        {
            e.ToTable("ImportSources");
            e.HasDiscriminator<string>("Type")
                .HasValue<ZoomPhonesImportSource>(ZoomPhonesImportSource.TypeName)
                .HasValue<RingCentralImportSource>(RingCentralImportSource.TypeName)
                .HasValue<WebexImportSource>(WebexImportSource.TypeName);
            e.Property("Type").HasMaxLength(32);
            e.HasIndex("Type");
        });
        builder.Entity<RingCentralImportSource>().Property(x => x.ClientId).HasColumnName("ClientId");
        builder.Entity<WebexImportSource>().Property(x => x.ClientId).HasColumnName("ClientId");
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        // All times are UTC; SQLite keeps no kind, so restore it on the way out.
        configuration.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configuration.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
