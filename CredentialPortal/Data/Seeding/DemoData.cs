using System.Text.Json.Nodes;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Organisations;
using CredentialPortal.Domain.ServerConfiguration;
using CredentialPortal.Domain.Connectors;
using CredentialPortal.Domain.Passwords;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Data.Seeding;

/// <summary>
/// A realistic demo set (<c>--seed-demo</c>), loaded only into an empty database. It carries the exact ids of
/// the documented REST requests (user 16, AD sync profile 13F72189-…, storage target 11, import source 1) so that
/// they work against it unchanged (docs/requirements.md §3).
/// </summary>
public sealed class DemoData(
    PortalDbContext db,
    UserManager<PortalUser> users,
    ConnectorCredentials connectors,
    AuditTrail audit,
    MachineUserAccounts machines,
    ConfigurationValues configuration,
    IOptions<PortalOptions> options,
    StartupNotices notices,
    ILogger<DemoData> logger)
{
    public const int SeedUserId = 16;
    public static readonly Guid SeedAdSyncProfileId = Guid.Parse("13F72189-2EEB-425F-885B-7D1BBA83DDEB");
    public const int SeedStorageTargetId = 11;
    public const int SeedImportSourceId = 1;
    public const int AdSynchronisedUserId = 17;
    public const int DefaultOrgId = 1;
    public const int RecordingServersProfileId = 1;
    public const string TlsKeyPassPath = @"\Verba\Email Settings\TLSKeyPass";

    /// <summary>One demo account per role besides admin; they share the demo password.</summary>
    public static IReadOnlyDictionary<string, string> RoleAccounts { get; } = new Dictionary<string, string>
    {
        ["helpdesk"] = PortalRoles.Helpdesk,
        ["auditor"] = PortalRoles.Auditor,
        ["integrator"] = PortalRoles.Integrator,
    };

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (!await IsEmptyAsync(cancellationToken))
        {
            logger.LogInformation("Demo data not loaded: the database already holds data");
            notices.Write("Demo data: not loaded again, the database already holds data (delete the data directory to start over).");
            return;
        }

        var now = DateTime.UtcNow;
        var configured = options.Value.DemoPassword;
        var demoPassword = string.IsNullOrEmpty(configured) ? PasswordGenerator.Generate() : configured;

        var created = new List<AuditRecord>();
        foreach (var (login, role) in RoleAccounts)
        {
            var account = new PortalUser { UserName = login, DisplayName = $"Demo {role}", Email = $"{login}@example.com", CreatedAt = now, LastPasswordChange = now };
            IdentityResults.ThrowIfFailed(await users.CreateAsync(account, demoPassword), $"create demo account {login}");
            IdentityResults.ThrowIfFailed(await users.AddToRoleAsync(account, role), $"grant {role} to {login}");
            created.Add(audit.DescribeAccountCreated(Actor.System, account, role));
        }

        // People whose credentials the portal manages. Nobody knows their passwords: helpdesk resets them.
        var people = new (int Id, string Login, string Name, UserSource Source, int DaysSinceChange)[]
        {
            (10, "anna.kovacs", "Anna Kovács", UserSource.Local, 12),
            (11, "ben.okafor", "Ben Okafor", UserSource.Local, 45),
            (12, "chen.li", "Chen Li", UserSource.Local, 130),
            (13, "dora.nagy", "Dóra Nagy", UserSource.Local, 3),
            (14, "emil.berg", "Emil Berg", UserSource.Local, 200),
            (15, "fatima.haddad", "Fatima Haddad", UserSource.Local, 64),
            (SeedUserId, "gabor.toth", "Gábor Tóth", UserSource.Local, 95),
            (AdSynchronisedUserId, "hanna.schmidt", "Hanna Schmidt", UserSource.ActiveDirectory, 30),
            (18, "ivan.petrov", "Ivan Petrov", UserSource.ActiveDirectory, 10),
        };
        foreach (var p in people)
        {
            var person = new PortalUser
            {
                Id = p.Id,
                UserName = p.Login,
                DisplayName = p.Name,
                Email = $"{p.Login}@example.com",
                Source = p.Source,
                CreatedAt = now.AddDays(-400),
                LastPasswordChange = p.Source == UserSource.Local ? now.AddDays(-p.DaysSinceChange) : null,
            };
            var result = p.Source == UserSource.Local
                ? await users.CreateAsync(person, PasswordGenerator.Generate())
                : await users.CreateAsync(person);
            IdentityResults.ThrowIfFailed(result, $"create demo user {p.Login}");
            created.Add(audit.DescribeAccountCreated(Actor.System, person, null));
        }

        db.AdSyncProfiles.AddRange(
            new LdapSyncProfile
            {
                Id = SeedAdSyncProfileId,
                Description = "LDAP AD Synchronization Profile description",
                Enabled = true,
                Host = "ldap host",
                Port = 1234,
                UserName = "svc.ldapsync",
                UseSsl = true,
                BaseDn = "OU=Recorded Users,DC=corp,DC=example,DC=com",
            },
            new LdapSyncProfile
            {
                Id = Guid.Parse("5B0E7C1E-6D0A-4E59-9B43-2F4C8A6B1D21"),
                Description = "Branch office directory",
                Enabled = false,
                Host = "dc01.branch.example.com",
                Port = 636,
                UserName = "svc.branchsync",
                UseSsl = true,
                BaseDn = "DC=branch,DC=example,DC=com",
            },
            new AzureAdSyncProfile
            {
                Id = Guid.Parse("8E2C4B9A-1F37-4D6E-A5C0-7B9D3E1F2A44"),
                Description = "Entra ID tenant for the contact centre",
                Enabled = true,
                TenantId = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
                ClientId = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
            });

        db.StorageTargets.AddRange(
            new AmazonS3StorageTarget
            {
                Id = SeedStorageTargetId,
                Name = "Amazon S3",
                Bucket = "bucket name",
                Region = "region",
                ObjectLockEnabled = true,
                ObjectLockMode = "compliance",
                AccessKeyId = "AKIADEMOOLDKEY000011",
            },
            new AzureBlobStorageTarget { Id = 12, Name = "Azure archive", Container = "recordings", AccountName = "contosorecordings" },
            new SftpStorageTarget { Id = 13, Name = "Offsite SFTP", Host = "sftp.archive.example.com", Port = 22, UserName = "recorder", Path = "/srv/recordings" },
            new SmbStorageTarget { Id = 14, Name = "Datacentre share", SharePath = @"\\fs01.corp.example.com\recordings", Domain = "CORP", UserName = "svc.recstore" });

        db.ImportSources.AddRange(
            new ZoomPhonesImportSource
            {
                Id = SeedImportSourceId,
                Name = "Zoom Phone import",
                AuthType = "jwt",
                ApiKey = "zoom_old_api_key",
                ApiAddress = "https://api.zoom.us/v2/",
                ForwardProxyAddress = "proxy address",
                ForwardProxyPort = 1111,
                ForwardProxyUser = "zoom_proxyuser",
            },
            new RingCentralImportSource { Id = 2, Name = "RingCentral import", ClientId = "rc-client-7f3a", ServerUrl = "https://platform.ringcentral.com" },
            new WebexImportSource { Id = 3, Name = "Webex Calling import", ClientId = "C0ffee1234webex" });

        // Organisations with people and connector (machine) users, for the unify CLI.
        db.Organisations.AddRange(
            new Organisation { Id = DefaultOrgId, Name = "Default", CreatedAt = now.AddDays(-300) },
            new Organisation { Id = 2, Name = "Contact centre", CreatedAt = now.AddDays(-120) });
        db.OrgMemberships.AddRange(
            new OrgMembership { OrgId = DefaultOrgId, UserId = 10, Role = OrgRole.Admin },
            new OrgMembership { OrgId = DefaultOrgId, UserId = 11, Role = OrgRole.Contributor },
            new OrgMembership { OrgId = 2, UserId = 13, Role = OrgRole.Admin });

        foreach (var entry in db.ChangeTracker.Entries<CredentialEntity>())
        {
            var type = EntityCatalog.TypeOf(entry.Entity);
            created.Add(audit.Describe(Actor.System, AuditActions.Create, type.Resource.Name, entry.Entity.Key,
                type.Properties.Select(p => p.Name), type.Properties.ToDictionary(p => p.Name, p => ((object?)null, p.GetValue(entry.Entity)))));
        }
        await audit.CommitAsync(db, created, cancellationToken);

        // Every connector gets random secrets through the domain service, so they are encrypted and audited like
        // any rotation. Nobody knows them: a vault rotates them (PATCH) before it can verify them.
        foreach (var resource in EntityCatalog.Resources)
        {
            var page = await connectors.ListAsync(resource, null, null, 0, ConnectorCredentials.MaxPageSize, cancellationToken: cancellationToken);
            foreach (var entity in page.Items)
            {
                // A random password is no private key: an sftp target starts with a password login and no key.
                var secrets = entity.Type.Secrets.Where(s => s.Name != "privateKey")
                    .ToDictionary(s => s.Name, s => (JsonNode?)JsonValue.Create(PasswordGenerator.Generate()));
                var result = await connectors.PatchAsync(Actor.System, resource, entity.Id, secrets, cancellationToken: cancellationToken);
                if (!result.Succeeded) throw new InvalidOperationException($"Demo data: could not set the secrets of {resource.Name}/{entity.Id}.");
            }
        }

        foreach (var (org, name, role) in new[] { (DefaultOrgId, "machine-user-1001", "Contributor"), (2, "zoom-connector", "Admin") })
        {
            var added = await machines.AddAsync(Actor.System, org, name, name == "zoom-connector" ? 1002 : 1001, null, role, cancellationToken);
            if (!added.Succeeded) throw new InvalidOperationException($"Demo data: could not add machine user {name}.");
        }

        // Server configuration: a media repository and two recording servers on a "Recording Servers" profile.
        db.Servers.AddRange(
            new Server { Id = 1, Name = "mr01", Host = "mr01.corp.example.com", Roles = "Media Repository" },
            new Server { Id = 2, Name = "rec01", Host = "rec01.corp.example.com", Roles = "Recording Server" },
            new Server { Id = 3, Name = "rec02", Host = "rec02.corp.example.com", Roles = "Recording Server" });
        db.ConfigurationProfiles.AddRange(
            new ConfigurationProfile { Id = RecordingServersProfileId, Name = "Recording Servers", Role = "Recording Server" },
            new ConfigurationProfile { Id = 2, Name = "Media Repositories", Role = "Media Repository" });
        db.SettingDefinitions.AddRange(
            new SettingDefinition { Path = TlsKeyPassPath, Type = SettingType.Secret, Services = "VerbaEmailService,VerbaRecorderService", Description = "Passphrase of the TLS key used for SMTP." },
            new SettingDefinition { Path = @"\Verba\Email Settings\SMTPServer", Type = SettingType.Text, Services = "VerbaEmailService", Description = "Outgoing mail server." },
            new SettingDefinition { Path = @"\Verba\Recorder\MaxCallLengthSeconds", Type = SettingType.Number, Services = "VerbaRecorderService", Description = "Longest call recorded, in seconds." });
        await db.SaveChangesAsync(cancellationToken);
        await configuration.SeedProfileValueAsync(RecordingServersProfileId, TlsKeyPassPath, PasswordGenerator.Generate(), cancellationToken);
        await configuration.SeedProfileValueAsync(RecordingServersProfileId, @"\Verba\Email Settings\SMTPServer", "smtp.corp.example.com", cancellationToken);
        await configuration.SeedProfileValueAsync(RecordingServersProfileId, @"\Verba\Recorder\MaxCallLengthSeconds", "7200", cancellationToken);
        await configuration.SeedProfileValueAsync(2, @"\Verba\Email Settings\SMTPServer", "smtp.corp.example.com", cancellationToken);

        logger.LogInformation("Loaded the demo data set");
        notices.Write(string.IsNullOrEmpty(configured)
            ? $"""

               Demo data loaded. Accounts {string.Join(", ", RoleAccounts.Keys)} share this generated password (shown once):

                   {demoPassword}

               """
            : $"Demo data loaded. Accounts {string.Join(", ", RoleAccounts.Keys)} use the password from Portal:DemoPassword.");
    }

    private async Task<bool> IsEmptyAsync(CancellationToken ct) =>
        !await db.AdSyncProfiles.AnyAsync(ct)
        && !await db.StorageTargets.AnyAsync(ct)
        && !await db.ImportSources.AnyAsync(ct)
        && await db.Users.CountAsync(ct) <= 1;
}
