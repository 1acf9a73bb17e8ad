using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.ConnectionChecks;

namespace CredentialPortal.Tests.Domain;

/// <summary>The connector lists filtered by each entity's last connection check, in the list's own query (count and page).</summary>
public sealed class ConnectorListByLastCheckTests : IDisposable
{
    private readonly DomainHost host = new();

    public void Dispose() => host.Dispose();

    private async Task CheckedAsync(string resource, string key, ConnectionResult result)
    {
        var at = new DateTime(2026, 11, 30, 8, 0, 0, DateTimeKind.Utc);
        await using var db = host.CreateDbContext();
        db.ConnectionCheckStates.Add(new ConnectionCheckState
        {
            Resource = resource, EntityKey = key, Result = result.Wire(), Detail = "As planted.", CheckedAt = at, Trigger = ConnectionChecker.OnDemand,
            NextDueAt = at.AddHours(6),
        });
        await db.SaveChangesAsync();
    }

    private async Task<string[]> ListedAsync(EntityResource resource, string filter, int offset = 0, int limit = 100)
    {
        var page = await host.Connectors.ListAsync(resource, null, null, offset, limit, lastCheck: ConnectionCheckFilter.Find(filter)!);
        Assert.True(page.Total >= page.Items.Count);
        return page.Items.Select(i => i.Id).ToArray();
    }

    [Fact]
    public async Task Each_result_failing_and_never_checked_filter_the_count_and_the_page_by_the_last_check()
    {
        await CheckedAsync("storageTargets", "11", ConnectionResult.Rejected);
        await CheckedAsync("storageTargets", "12", ConnectionResult.Ok);
        await CheckedAsync("storageTargets", "13", ConnectionResult.Misconfigured);
        await CheckedAsync("importSources", "14", ConnectionResult.Unreachable); // another resource's entity with the same key
        await CheckedAsync("storageTargets", "99", ConnectionResult.Unreachable); // a check of an entity that is gone

        var targets = EntityCatalog.StorageTargets;
        Assert.Equal(["11"], await ListedAsync(targets, "rejected"));
        Assert.Equal(["12"], await ListedAsync(targets, "ok"));
        Assert.Equal(["13"], await ListedAsync(targets, "misconfigured"));
        Assert.Empty(await ListedAsync(targets, "unreachable"));
        Assert.Empty(await ListedAsync(targets, "unsupported"));
        Assert.Equal(["11", "13"], await ListedAsync(targets, "failing"));
        Assert.Equal(["14"], await ListedAsync(targets, "never"));

        // The total counts the filtered rows, and paging pages within them.
        var failing = await host.Connectors.ListAsync(targets, null, null, 1, 1, lastCheck: ConnectionCheckFilter.AllFailing);
        Assert.Equal((2, "13"), (failing.Total, Assert.Single(failing.Items).Id));
        // With the type filter too: the one sftp target is the misconfigured one.
        Assert.Single((await host.Connectors.ListAsync(targets, "sftp", null, 0, 10, lastCheck: ConnectionCheckFilter.AllFailing)).Items);
    }

    [Fact]
    public async Task Guid_keyed_entities_match_their_checks_on_every_engine()
    {
        var profiles = EntityCatalog.AdSyncProfiles;
        var all = (await host.Connectors.ListAsync(profiles, null, null, 0, 100)).Items.Select(i => i.Id).ToArray();
        Assert.True(all.Length >= 2);
        await CheckedAsync("adSyncProfiles", all[0], ConnectionResult.Unreachable);

        Assert.Equal([all[0]], await ListedAsync(profiles, "unreachable"));
        Assert.Equal([all[0]], await ListedAsync(profiles, "failing"));
        Assert.Equal(all[1..], await ListedAsync(profiles, "never"));
    }

    [Fact]
    public void The_filters_are_every_result_all_failing_and_never_checked_and_failing_is_the_domains_set()
    {
        Assert.Equal(["failing", "ok", "rejected", "unreachable", "misconfigured", "unsupported", "never"], ConnectionCheckFilter.All.Select(f => f.Value));
        Assert.Equal(ConnectionResults.Failing, ConnectionCheckFilter.AllFailing.Results);
        Assert.Null(ConnectionCheckFilter.Find("bogus"));
        Assert.Null(ConnectionCheckFilter.Find(""));
    }
}
