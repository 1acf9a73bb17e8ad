using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.ConnectionChecks;
using CredentialPortal.Domain.Connectors;
using CredentialPortal.Domain.Organisations;
using CredentialPortal.Domain.Passwords;
using CredentialPortal.Domain.Secrets;
using CredentialPortal.Domain.ServerConfiguration;
using CredentialPortal.Domain.Settings;
using CredentialPortal.Domain.Users;
using CredentialPortal.Domain.Verification;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CredentialPortal.Data;

/// <summary>
/// The one model of the portal's data. Each database engine has a subclass (<see cref="SqlitePortalDbContext"/>,
/// <see cref="PostgresPortalDbContext"/>) only so that each can own its migrations; domain code sees this type.
/// </summary>
public abstract class PortalDbContext(DbContextOptions options)
    : IdentityDbContext<PortalUser, PortalRole, int>(options), IDataProtectionKeyContext
{
    /// <summary>The discriminator column: the wire's <c>type</c> value (docs/design.md §3.1).</summary>
    public const string TypeColumn = "Type";

    public DbSet<AdSyncProfile> AdSyncProfiles => Set<AdSyncProfile>();
    public DbSet<StorageTarget> StorageTargets => Set<StorageTarget>();
    public DbSet<ImportSource> ImportSources => Set<ImportSource>();
    public DbSet<StoredSecret> StoredSecrets => Set<StoredSecret>();
    public DbSet<PasswordHistoryEntry> PasswordHistory => Set<PasswordHistoryEntry>();
    public DbSet<SecuritySettings> SecuritySettings => Set<SecuritySettings>();
    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();
    public DbSet<Domain.Audit.Sinks.AuditSinkCursor> AuditSinkCursors => Set<Domain.Audit.Sinks.AuditSinkCursor>();
    public DbSet<AuditSigningKey> AuditSigningKeys => Set<AuditSigningKey>();
    public DbSet<VerificationAttempt> VerificationAttempts => Set<VerificationAttempt>();
    public DbSet<ActorLockout> ActorLockouts => Set<ActorLockout>();
    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<OrgMembership> OrgMemberships => Set<OrgMembership>();
    public DbSet<Server> Servers => Set<Server>();
    public DbSet<ConfigurationProfile> ConfigurationProfiles => Set<ConfigurationProfile>();
    public DbSet<SettingDefinition> SettingDefinitions => Set<SettingDefinition>();
    public DbSet<ConfigurationValue> ConfigurationValues => Set<ConfigurationValue>();
    public DbSet<ConfigurationTask> ConfigurationTasks => Set<ConfigurationTask>();
    /// <summary>The Data Protection key ring (Data/KeyRing: sealed with the master key when one is configured).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<ConnectionCheckState> ConnectionCheckStates => Set<ConnectionCheckState>();
    public DbSet<Domain.TwoFactor.AuthenticatorEnrolment> AuthenticatorEnrolments => Set<Domain.TwoFactor.AuthenticatorEnrolment>();
    public DbSet<Domain.TwoFactor.RecoveryCode> RecoveryCodes => Set<Domain.TwoFactor.RecoveryCode>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // Identity's passkey table (its schema version 3), mapped here as Identity maps it rather than left to the host's
        // Identity options, which design-time migrations and factory-made contexts do not see (docs/design.md §6.9).
        builder.Entity<Microsoft.AspNetCore.Identity.IdentityUserPasskey<int>>(p =>
        {
            p.HasKey(x => x.CredentialId);
            p.ToTable("AspNetUserPasskeys");
            p.Property(x => x.CredentialId).HasMaxLength(1024); // WebAuthn: at most 1023 bytes
            p.OwnsOne(x => x.Data).ToJson();
        });
        builder.Entity<PortalUser>().HasMany<Microsoft.AspNetCore.Identity.IdentityUserPasskey<int>>().WithOne().HasForeignKey(x => x.UserId).IsRequired();

        builder.Entity<PortalUser>(u =>
        {
            u.Property(x => x.DisplayName).HasMaxLength(256);
            u.Property(x => x.Source).HasConversion<string>().HasMaxLength(32);
            u.HasIndex(x => x.DisplayName);
            u.HasIndex(x => x.LastPasswordChange);
            // Stored as a number so "locked now" can be filtered and sorted in SQL (SQLite cannot compare DateTimeOffset text).
            u.Property(x => x.LockoutEnd).HasConversion(new DateTimeOffsetToBinaryConverter());
            u.HasIndex(x => x.LockoutEnd);
            u.HasIndex(x => x.Enabled);
            u.HasIndex(x => x.IsMachine);
        });

        // One table per resource, one discriminator value per catalog type: a new type needs no change here.
        foreach (var resource in EntityCatalog.Resources)
        {
            MapResource(builder, resource);
        }

        builder.Entity<StoredSecret>(e =>
        {
            e.ToTable("Secrets");
            e.Property(x => x.Resource).HasMaxLength(64);
            e.Property(x => x.EntityKey).HasMaxLength(64);
            e.Property(x => x.Property).HasMaxLength(64);
            e.HasIndex(x => new { x.Resource, x.EntityKey, x.Property }).IsUnique();
            e.HasIndex(x => x.ChangedAt);
        });

        builder.Entity<PasswordHistoryEntry>(e =>
        {
            e.ToTable("PasswordHistory");
            e.HasIndex(x => new { x.UserId, x.Id });
            e.HasOne<PortalUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<SecuritySettings>(e =>
        {
            e.ToTable("SecuritySettings");
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasData(new SecuritySettings());
        });

        builder.Entity<AuditRecord>(e =>
        {
            e.ToTable("AuditLog");
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).ValueGeneratedNever();
            e.Property(x => x.Door).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Action).HasMaxLength(64);
            e.Property(x => x.ActorName).HasMaxLength(256);
            e.Property(x => x.EntityType).HasMaxLength(64);
            e.Property(x => x.EntityId).HasMaxLength(64);
            e.Property(x => x.Hash).HasMaxLength(64);
            e.Property(x => x.PreviousHash).HasMaxLength(64);
            e.HasIndex(x => x.OccurredAt);
            e.HasIndex(x => new { x.EntityType, x.EntityId });
            e.HasIndex(x => x.ActorName);
        });

        builder.Entity<Domain.Audit.Sinks.AuditSinkCursor>(e =>
        {
            e.ToTable("AuditSinkCursors");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.LastError).HasMaxLength(500);
        });
        builder.Entity<AuditSigningKey>(e =>
        {
            e.ToTable("AuditSigningKeys");
            e.Property(x => x.Id).ValueGeneratedNever();
        });

        builder.Entity<VerificationAttempt>(e =>
        {
            e.Property(x => x.Door).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Result).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.ActorKey).HasMaxLength(300);
            e.HasIndex(x => new { x.ActorKey, x.At });
            e.HasIndex(x => x.At);
        });

        builder.Entity<Organisation>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(128);
            e.HasIndex(x => x.Name).IsUnique();
        });

        builder.Entity<OrgMembership>(e =>
        {
            e.HasKey(x => new { x.OrgId, x.UserId });
            e.Property(x => x.Role).HasConversion<string>().HasMaxLength(16);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrgId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<PortalUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.UserId);
        });

        builder.Entity<Server>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(128);
            e.HasIndex(x => x.Name).IsUnique();
            e.Ignore(x => x.RoleList);
        });
        builder.Entity<ConfigurationProfile>(e => e.Property(x => x.Role).HasMaxLength(64));
        builder.Entity<SettingDefinition>(e =>
        {
            e.HasKey(x => x.Path);
            e.Property(x => x.Type).HasConversion<string>().HasMaxLength(16);
            e.Ignore(x => x.ServiceList);
        });
        builder.Entity<ConfigurationValue>(e =>
        {
            e.Property(x => x.Scope).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => new { x.Scope, x.OwnerId, x.Path }).IsUnique();
        });
        builder.Entity<ConfigurationTask>(e =>
        {
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => new { x.ServerId, x.Status });
            e.HasMany(x => x.Actions).WithOne().HasForeignKey(a => a.TaskId).OnDelete(DeleteBehavior.Cascade);
        });

        // The table as the portal created it before Data Protection's own EF Core store took it over: same rows.
        builder.Entity<DataProtectionKey>(e =>
        {
            e.ToTable("DataProtectionKeys");
            e.Property(x => x.FriendlyName).HasMaxLength(128);
            e.Property(x => x.Xml).IsRequired();
        });

        builder.Entity<Domain.TwoFactor.AuthenticatorEnrolment>(e =>
        {
            e.ToTable("AuthenticatorEnrolments");
            e.HasKey(x => x.UserId);
            e.HasOne<PortalUser>().WithOne().HasForeignKey<Domain.TwoFactor.AuthenticatorEnrolment>(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.Property(x => x.ProtectedKey).HasMaxLength(1024);
        });
        builder.Entity<Domain.TwoFactor.RecoveryCode>(e =>
        {
            e.ToTable("RecoveryCodes");
            e.HasOne<PortalUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.Property(x => x.CodeHash).HasMaxLength(64);
            e.HasIndex(x => new { x.UserId, x.CodeHash }).IsUnique();
        });

        builder.Entity<ConnectionCheckState>(e =>
        {
            e.ToTable("ConnectionChecks");
            e.Property(x => x.Resource).HasMaxLength(64);
            e.Property(x => x.EntityKey).HasMaxLength(64);
            e.Property(x => x.Result).HasMaxLength(16);
            e.Property(x => x.Detail).HasMaxLength(512);
            e.Property(x => x.Trigger).HasMaxLength(16);
            e.Property(x => x.AlertFrom).HasMaxLength(16);
            e.HasIndex(x => new { x.Resource, x.EntityKey }).IsUnique();
            e.HasIndex(x => x.Result);
            e.HasIndex(x => x.AlertOpen);
        });

        builder.Entity<ActorLockout>(e =>
        {
            e.Property(x => x.ActorKey).HasMaxLength(300);
            e.HasIndex(x => new { x.ActorKey, x.LockedAt });
            e.HasIndex(x => x.LockedUntil);
        });
    }

    private static void MapResource(ModelBuilder builder, EntityResource resource)
    {
        var entity = builder.Entity(resource.BaseType);
        entity.ToTable(char.ToUpperInvariant(resource.Name[0]) + resource.Name[1..]);
        var discriminator = entity.HasDiscriminator<string>(TypeColumn);
        foreach (var type in resource.Types)
        {
            discriminator.HasValue(type.ClrType, type.Name);
        }
        entity.Property<string>(TypeColumn).HasMaxLength(32);
        entity.HasIndex(TypeColumn);
        entity.Property(nameof(CredentialEntity.Version)).IsConcurrencyToken();

        // Types that declare a property of the same name and kind share one column (sftp/smb userName, sftp's port and
        // smb's optional one: a TPH column of a derived type is nullable anyway).
        foreach (var shared in resource.Types
                     .SelectMany(t => t.Properties.Where(p => p.Property.DeclaringType == t.ClrType).Select(p => (Type: t, Property: p)))
                     .GroupBy(x => (x.Property.Property.Name, x.Property.ClrType))
                     .Where(g => g.Count() > 1))
        {
            foreach (var (type, property) in shared)
            {
                builder.Entity(type.ClrType).Property(property.Property.Name).HasColumnName(property.Property.Name);
            }
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // All times are UTC; SQLite keeps no kind, so restore it on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

/// <summary>The SQLite engine's context: owns the migrations under Data/Migrations/Sqlite.</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options);

/// <summary>The PostgreSQL engine's context: owns the migrations under Data/Migrations/Postgres.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);
