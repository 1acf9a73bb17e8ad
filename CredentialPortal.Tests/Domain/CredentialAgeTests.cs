using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Domain;

public class CredentialAgeTests
{
    [Fact]
    public async Task Secrets_and_passwords_older_than_the_stale_age_are_listed_oldest_first()
    {
        using var host = new DomainHost();
        await using (var db = host.CreateDbContext())
        {
            await db.StoredSecrets.Where(s => s.Resource == "storageTargets" && s.EntityKey == "13" && s.Property == "password")
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.ChangedAt, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        }
        var stale = await host.Services.GetRequiredService<CredentialAge>().StaleAsync();

        Assert.Equal(("storageTargets", "13", "password"), (stale[0].Resource, stale[0].EntityId, stale[0].Property));
        Assert.Null(stale[0].LastCheckedAt); // never checked yet

        // The credential-age view says when the stale credential was last verified against its target.
        var checkedAt = new DateTime(2026, 11, 30, 8, 0, 0, DateTimeKind.Utc);
        await using (var db = host.CreateDbContext())
        {
            db.ConnectionCheckStates.Add(new CredentialPortal.Domain.ConnectionChecks.ConnectionCheckState
            {
                Resource = "storageTargets", EntityKey = "13", Result = "ok", Detail = "Listed the share.", CheckedAt = checkedAt, Trigger = "on-demand",
                NextDueAt = checkedAt.AddHours(6),
            });
            db.ConnectionCheckStates.Add(new CredentialPortal.Domain.ConnectionChecks.ConnectionCheckState
            {
                Resource = "importSources", EntityKey = "13", Result = "rejected", Detail = "Refused.", CheckedAt = checkedAt, Trigger = "scheduled",
                NextDueAt = checkedAt.AddHours(6),
            });
            await db.SaveChangesAsync();
        }
        var verified = (await host.Services.GetRequiredService<CredentialAge>().StaleAsync())[0];
        Assert.Equal(("storageTargets", "13", "ok", checkedAt), (verified.Resource, verified.EntityId, verified.LastCheckResult, verified.LastCheckedAt));
        Assert.DoesNotContain(stale, s => s.Resource == "storageTargets" && s.EntityId == "11");
        // Demo people whose passwords changed 95, 130 and 200 days ago (default stale age: 90 days).
        Assert.Equal(["12", "14", "16"], stale.Where(s => s.Resource == "users").Select(s => s.EntityId).Order());

        await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "13", DomainHost.Patch("""{ "password": "rotated now" }"""));
        Assert.DoesNotContain(await host.Services.GetRequiredService<CredentialAge>().StaleAsync(), s => s.Resource == "storageTargets");
    }
}
