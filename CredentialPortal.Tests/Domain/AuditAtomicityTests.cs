using System.Text.Json.Nodes;
using CredentialPortal.Domain;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Organisations;
using CredentialPortal.Domain.ServerConfiguration;
using CredentialPortal.Domain.Settings;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Domain;

/// <summary>
/// A change and its audit record commit together or not at all, on both engines: a trigger in the database makes every
/// audit append fail (an injected fault), each kind of change is attempted, and afterwards no table holds any of it.
/// </summary>
public class AuditAtomicityTests : IClassFixture<DomainFixture>
{
    private readonly DomainFixture host;

    // One ordinary audited change first, so start-up work (key ring, caches) is behind us before any fingerprint.
    public AuditAtomicityTests(DomainFixture host)
    {
        this.host = host;
        Assert.True(host.Domain.Connectors.PatchAsync(Admin, EntityCatalog.StorageTargets, "11",
            DomainHost.Patch("""{ "secretAccessKey": "warm-up secret" }""")).GetAwaiter().GetResult().Succeeded);
    }

    private static readonly Actor Admin = DomainHost.Admin;
    private const string Secret = @"\Verba\Email Settings\TLSKeyPass";

    public static TheoryData<string> Changes =>
    [
        "connector", "person", "person password", "roles", "disable", "machine user", "organisation", "membership", "setting", "two-factor roles",
        "profile value", "server value", "server value removed", "registry report", "tasks applied",
    ];

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task A_change_whose_audit_record_cannot_be_written_is_not_there_afterwards(string change)
    {
        var s = host.Domain.Services;
        var servers = s.GetRequiredService<ConfigurationValues>();
        if (change == "server value removed")
        {
            var set = await servers.SetServerValueAsync(Admin, "mr01", Secret, JsonValue.Create("custom secret for removal"), remove: false);
            Assert.True(set.Succeeded, set.Message);
        }
        var before = await DatabaseFingerprint.OfAsync(host.Domain.App.Data);

        await using (var db = host.Domain.CreateDbContext()) await InjectAuditFaultAsync(db, on: true);
        Exception? failure = null;
        try
        {
            var outcome = change switch
            {
                "connector" => Describe(await host.Domain.Connectors.PatchAsync(Admin, EntityCatalog.StorageTargets, "11",
                    DomainHost.Patch("""{ "accessKeyId": "AKIAFAULT", "secretAccessKey": "secret under a faulty audit" }"""))),
                "person" => Describe(await host.Domain.People.PatchAsync(Admin, 16, DomainHost.Patch("""{ "displayName": "Faulty audit" }"""))),
                "person password" => Describe(await host.Domain.People.SetPasswordAsync(Admin, 16, "password under a faulty audit")),
                "roles" => Describe(await host.Domain.People.SetRolesAsync(Admin, 16, [PortalRoles.Auditor])),
                "disable" => Describe(await host.Domain.People.SetEnabledAsync(Admin, 16, false)),
                "machine user" => Describe(await s.GetRequiredService<MachineUserAccounts>().AddAsync(Admin, 1, "faulty-audit", null, null, null)),
                "organisation" => Describe(await s.GetRequiredService<MachineUserAccounts>().CreateOrgAsync(Admin, "Faulty audit organisation")),
                "membership" => Describe(await s.GetRequiredService<MachineUserAccounts>().SetMembershipAsync(Admin, 1, 16, OrgRole.Admin)),
                "setting" => Describe(await ChangeSettingAsync(s.GetRequiredService<SecuritySettingsStore>())),
                // Also starts the grace period of every Integrator, in the same transaction: undone with the rest.
                "two-factor roles" => Describe(await ChangeTwoFactorRolesAsync(s.GetRequiredService<SecuritySettingsStore>())),
                "profile value" => Describe(await servers.SetProfileValueAsync(Admin, 1, Secret, JsonValue.Create("profile secret under a faulty audit"))),
                "server value" => Describe(await servers.SetServerValueAsync(Admin, "mr01", Secret, JsonValue.Create("server secret under a faulty audit"), remove: false)),
                "server value removed" => Describe(await servers.SetServerValueAsync(Admin, "mr01", Secret, null, remove: true)),
                "registry report" => Describe(await s.GetRequiredService<AgentChannel>().ReportRegistryAsync(Admin, "rec01", AgentKey, new Dictionary<string, string> { [Secret] = "reported under a faulty audit" })),
                "tasks applied" => Describe(await s.GetRequiredService<ConfigurationTasks>().ApplyAsync(Admin, "mr01")),
                _ => throw new ArgumentOutOfRangeException(nameof(change), change, null),
            };
            Assert.Fail($"{change}: the change reported {outcome} although its audit record could not be written");
        }
        catch (DbUpdateException e)
        {
            failure = e;
        }
        finally
        {
            await using var db = host.Domain.CreateDbContext();
            await InjectAuditFaultAsync(db, on: false);
        }

        Assert.NotNull(failure);
        var after = await DatabaseFingerprint.OfAsync(host.Domain.App.Data);
        var changed = before.Keys.Union(after.Keys).Where(t => before.GetValueOrDefault(t) != after.GetValueOrDefault(t)).ToList();
        Assert.True(changed.Count == 0, $"{change}: changed although not audited: " + string.Join("; ", changed.Select(t => $"{t} {before.GetValueOrDefault(t)} → {after.GetValueOrDefault(t)}")));
        // The chain goes on where it stopped: the next change is audited as usual.
        Assert.True((await host.Domain.Audit.VerifyChainAsync(host.Domain.CreateDbContext())).Intact);
    }

    private static string Describe<T>(DomainResult<T> result) => $"{result.Status} {result.Message}";

    private static async Task<DomainResult<SecuritySettings>> ChangeSettingAsync(SecuritySettingsStore store)
    {
        var settings = (await store.GetAsync()).Copy();
        settings.PasswordMinLengthWithTwoFactor += 1;
        return await store.UpdateAsync(Admin, settings);
    }

    private static async Task<DomainResult<SecuritySettings>> ChangeTwoFactorRolesAsync(SecuritySettingsStore store)
    {
        var settings = (await store.GetAsync()).Copy();
        settings.TwoFactorRequiredRoles = SecuritySettings.JoinRoles([.. SecuritySettings.RoleNames(settings.TwoFactorRequiredRoles), PortalRoles.Integrator]);
        return await store.UpdateAsync(Admin, settings);
    }

    private static readonly string AgentKey = Convert.ToBase64String(System.Security.Cryptography.RSA.Create(2048).ExportSubjectPublicKeyInfo());

    /// <summary>A trigger that refuses every insert into the audit log: the fault is the database's, not a stub's.</summary>
    private static async Task InjectAuditFaultAsync(CredentialPortal.Data.PortalDbContext db, bool on)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync(on
                ? """
                  CREATE OR REPLACE FUNCTION injected_audit_fault() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected audit fault'; END $$ LANGUAGE plpgsql;
                  CREATE TRIGGER injected_audit_fault BEFORE INSERT ON "AuditLog" FOR EACH ROW EXECUTE FUNCTION injected_audit_fault();
                  """
                : """DROP TRIGGER IF EXISTS injected_audit_fault ON "AuditLog";""");
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync(on
                ? """CREATE TRIGGER injected_audit_fault BEFORE INSERT ON "AuditLog" BEGIN SELECT RAISE(ABORT, 'injected audit fault'); END;"""
                : "DROP TRIGGER IF EXISTS injected_audit_fault;");
        }
    }
}
