using System.Text.RegularExpressions;
using CredentialPortal.Data.Seeding;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Domain;

/// <summary>Lists show an entity's name linked to its page, resolved for the whole list in one query; gone entities fall back to type and id.</summary>
public class EntityNamesTests
{
    private static DomainHost LoggingHost() => new(settings: new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Information",
    });

    private static int Commands(DomainHost host) => Regex.Count(host.App.Logs.Text, "Executed DbCommand");

    [Fact]
    public async Task Every_kind_of_entity_gets_its_name_and_page_in_one_query_and_an_unknown_one_its_type_and_id()
    {
        using var host = LoggingHost();
        var names = host.Services.GetRequiredService<EntityNames>();
        EntityReference[] wanted =
        [
            new("users", "16"), new("storageTargets", "13"), new("adSyncProfiles", DemoData.SeedAdSyncProfileId.ToString("D").ToUpperInvariant()),
            new("importSources", "1"), new("servers", "rec01"), new("configurationProfiles", DemoData.RecordingServersProfileId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("orgs", "2"), new("settings", "security"), new("storageTargets", "999"), new("users", "not-a-number"), new("somethingElse", "7"),
        ];
        await names.LabelsAsync([new("users", "12")]); // warm the model
        var before = Commands(host);
        var labels = await names.LabelsAsync(wanted);
        Assert.Equal(1, Commands(host) - before);

        Assert.Equal(new EntityLabel("Gábor Tóth", "/users/16", true), labels[wanted[0]]);
        Assert.Equal(new EntityLabel("Offsite SFTP", "/storage-targets/13", true), labels[wanted[1]]);
        Assert.Equal("LDAP AD Synchronization Profile description", labels[wanted[2]].Text);
        Assert.Equal("Zoom Phone import", labels[wanted[3]].Text);
        Assert.Equal(new EntityLabel("rec01", "/servers/rec01", true), labels[wanted[4]]);
        Assert.Equal("Recording Servers", labels[wanted[5]].Text);
        Assert.Equal("Contact centre", labels[wanted[6]].Text);
        Assert.Equal(new EntityLabel("Security settings", "/settings", true), labels[wanted[7]]);
        Assert.Equal(new EntityLabel("Storage target 999", null, false), labels[wanted[8]]);
        Assert.Equal(new EntityLabel("User not-a-number", null, false), labels[wanted[9]]);
        Assert.Equal(new EntityLabel("somethingElse 7", null, false), labels[wanted[10]]);
    }

    [Fact]
    public async Task The_stale_list_names_its_entities_with_one_query_for_the_names_however_long_it_is()
    {
        using var host = LoggingHost();
        await using (var db = host.CreateDbContext())
        {
            await db.StoredSecrets.Where(s => s.Resource == "storageTargets")
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.ChangedAt, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        }
        var age = host.Services.GetRequiredService<CredentialAge>();
        _ = await age.StaleAsync(); // warm
        var before = Commands(host);
        var stale = await age.StaleAsync();
        var commands = Commands(host) - before;

        Assert.True(stale.Count > 6, $"{stale.Count} stale credentials");
        // Settings, the secrets, their connection checks, the passwords, the names: however many rows.
        Assert.InRange(commands, 4, 5);
        var person = stale.First(s => s.Resource == "users" && s.EntityId == "14");
        Assert.Equal(new EntityLabel("Emil Berg", "/users/14", true), person.Entity);
        var target = stale.First(s => s.Resource == "storageTargets" && s.EntityId == "13");
        Assert.Equal(new EntityLabel("Offsite SFTP", "/storage-targets/13", true), target.Entity);
    }

    [Fact]
    public async Task An_audit_page_names_its_entities_filters_by_entity_name_and_counts_per_day_in_the_database()
    {
        using var host = LoggingHost();
        await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "13", DomainHost.Patch("""{ "password": "rotated now" }"""));
        await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "11", DomainHost.Patch("""{ "secretAccessKey": "rotated too" }"""));
        var audit = host.Services.GetRequiredService<AuditQueries>();
        _ = await audit.PageAsync(new AuditQuery(), 0, 5);

        var before = Commands(host);
        var (rows, total) = await audit.PageAsync(new AuditQuery(), 0, 200);
        Assert.Equal(3, Commands(host) - before); // count, page, names
        Assert.True(rows.Count > 10);
        var rotated = rows.First(r => r.Record.Action == AuditActions.SecretRotated && r.Record.EntityId == "13");
        Assert.Equal(new EntityLabel("Offsite SFTP", "/storage-targets/13", true), rotated.Entity);
        Assert.Contains(rows, r => r.Record.EntityType == "users" && r.Entity!.Text == "Emil Berg");

        // By name, case-insensitive, through the database: only the records of the entities so named.
        var (sftp, sftpTotal) = await audit.PageAsync(new AuditQuery(EntityName: "offsite"), 0, 200);
        Assert.NotEmpty(sftp);
        Assert.All(sftp, r => Assert.Equal(("storageTargets", "13"), (r.Record.EntityType, r.Record.EntityId)));
        Assert.Equal(sftp.Count, sftpTotal);
        var (people, _) = await audit.PageAsync(new AuditQuery(EntityName: "emil"), 0, 200);
        Assert.NotEmpty(people);
        Assert.All(people, r => Assert.Equal(("users", "14"), (r.Record.EntityType, r.Record.EntityId)));
        var (ldap, _) = await audit.PageAsync(new AuditQuery(EntityName: "ldap ad sync"), 0, 200);
        Assert.All(ldap, r => Assert.Equal("adSyncProfiles", r.Record.EntityType));
        Assert.Empty((await audit.PageAsync(new AuditQuery(EntityName: "no such name anywhere"), 0, 200)).Items);
        // With the family filter too: the SFTP target's secret events only.
        var (secret, _) = await audit.PageAsync(new AuditQuery(EntityName: "Offsite", Family: "secret"), 0, 200);
        Assert.Contains(secret, r => r.Record.Action == AuditActions.SecretRotated);
        Assert.All(secret, r => Assert.Contains(r.Record.Action, AuditActionFamilies.Find("secret")!.Actions));
        Assert.True(secret.Count < sftp.Count);

        // Counts per day, one query, with the same filters.
        before = Commands(host);
        var days = await audit.CountPerDayAsync(new AuditQuery());
        Assert.Equal(1, Commands(host) - before);
        Assert.Equal(total, days.Sum(d => d.Count));
        Assert.All(days, d => Assert.Equal(TimeSpan.Zero, d.Day.TimeOfDay));
        Assert.Equal(sftpTotal, (await audit.CountPerDayAsync(new AuditQuery(EntityName: "offsite"))).Sum(d => d.Count));
    }
}
