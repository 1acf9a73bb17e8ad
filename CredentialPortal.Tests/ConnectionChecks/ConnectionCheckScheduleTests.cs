using System.Diagnostics;
using CredentialPortal.Domain;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.ConnectionChecks;
using CredentialPortal.Tests.Domain;
using CredentialPortal.Tests.Infrastructure;
using CredentialPortal.Tests.Infrastructure.TestServers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.ConnectionChecks;

/// <summary>The heartbeat's rules, driven pass by pass with a manual clock against real loopback servers.</summary>
public sealed class ConnectionCheckScheduleTests : IDisposable
{
    private const string AzureAd = DemoAzureAd.Id;
    private readonly TokenEndpoint tokens = new();

    public void Dispose() => tokens.Dispose();

    /// <summary>azure_ad every 10 s; every other type so rarely that no other entity comes due in the test.</summary>
    private static Dictionary<string, string?> Settings(string? concurrency = null, string timeout = "00:00:05") => new()
    {
        ["Portal:ConnectionChecks:ScheduleEnabled"] = "false", // the test runs the passes
        ["Portal:ConnectionChecks:Interval"] = "100.00:00:00",
        ["Portal:ConnectionChecks:Intervals:azure_ad"] = "00:00:10",
        ["Portal:ConnectionChecks:Jitter"] = "0.1",
        ["Portal:ConnectionChecks:Timeout"] = timeout,
        ["Portal:ConnectionChecks:Concurrency"] = concurrency,
    };

    private async Task PointAzureAdAtTokensAsync(DomainHost host)
    {
        tokens.Accept(DemoAzureAd.ClientId, "azure-secret-sched");
        await DemoAzureAd.PointAtAsync(host, tokens, "azure-secret-sched");
    }

    private int TokenRequests => tokens.Requests.Count(r => r.Contains("/oauth2/v2.0/token", StringComparison.Ordinal));

    [Fact]
    public async Task Each_entity_is_checked_once_per_interval_with_its_next_time_jittered()
    {
        var clock = new ManualClock();
        using var host = new DomainHost(settings: Settings(), clock: clock);
        await PointAzureAdAtTokensAsync(host);
        var schedule = host.Services.GetRequiredService<ConnectionCheckSchedule>();

        Assert.Equal(0, await schedule.RunDueAsync()); // nothing is due at start: first checks spread over the first interval
        var offsets = new List<double>();
        for (var round = 1; round <= 4; round++)
        {
            clock.Advance(TimeSpan.FromSeconds(11.5)); // past the interval plus the largest jitter
            Assert.Equal(1, await schedule.RunDueAsync());
            Assert.Equal(round, TokenRequests);
            Assert.Equal(0, await schedule.RunDueAsync()); // not again within the interval
            await using var db = host.CreateDbContext();
            var state = await db.ConnectionCheckStates.SingleAsync(s => s.EntityKey == AzureAd);
            Assert.Equal("ok", state.Result);
            Assert.Equal("scheduled", state.Trigger);
            var offset = (state.NextDueAt - clock.GetUtcNow().UtcDateTime).TotalSeconds;
            Assert.InRange(offset, 8.99, 11.01); // 10 s ± 10 %
            offsets.Add(offset);
        }
        Assert.True(offsets.Distinct().Count() > 1, "the next check time is not jittered: " + string.Join(", ", offsets));
        await using (var db = host.CreateDbContext())
        {
            Assert.Equal(4, await db.AuditRecords.CountAsync(r => r.Action == ConnectionCheckActions.Checked && r.EntityId == AzureAd && r.Door == CredentialPortal.Domain.Audit.Door.System));
        }
    }

    [Fact]
    public async Task At_most_the_configured_number_of_checks_run_at_once()
    {
        using var silent = new SilentListener();
        var clock = new ManualClock();
        using var host = new DomainHost(settings: new Dictionary<string, string?>(Settings(concurrency: "2", timeout: "00:00:01"))
        {
            ["Portal:ConnectionChecks:Interval"] = "00:00:10", // every type, each pointed at the silent listener below
        }, clock: clock);
        var entities = new (EntityResource Resource, string Id, string Patch)[]
        {
            (EntityCatalog.AdSyncProfiles, "13F72189-2EEB-425F-885B-7D1BBA83DDEB", $$"""{ "host": "127.0.0.1", "port": {{silent.Port}}, "useSsl": true }"""),
            (EntityCatalog.AdSyncProfiles, "5B0E7C1E-6D0A-4E59-9B43-2F4C8A6B1D21", $$"""{ "host": "127.0.0.1", "port": {{silent.Port}}, "useSsl": true }"""),
            (EntityCatalog.AdSyncProfiles, AzureAd, $$"""{ "authorityHost": "http://127.0.0.1:{{silent.Port}}" }"""),
            (EntityCatalog.StorageTargets, "13", $$"""{ "host": "127.0.0.1", "port": {{silent.Port}} }"""),
            (EntityCatalog.ImportSources, "3", $$"""{ "apiAddress": "http://127.0.0.1:{{silent.Port}}" }"""),
        };
        foreach (var (resource, id, patch) in entities)
        {
            Assert.Equal(DomainStatus.Ok, (await host.Connectors.PatchAsync(DomainHost.Vault, resource, id, DomainHost.Patch(patch))).Status);
        }
        // Everything else would fail fast (no DNS here, Zoom's JWT is unsupported): only the five hang, for 1 s each.
        clock.Advance(TimeSpan.FromSeconds(12));
        var watch = Stopwatch.StartNew();
        var ran = await host.Services.GetRequiredService<ConnectionCheckSchedule>().RunDueAsync();
        watch.Stop();
        Assert.True(ran >= 5, $"{ran} checks ran");
        await using var db = host.CreateDbContext();
        var hung = await db.ConnectionCheckStates.CountAsync(s => s.Detail.Contains(":" + silent.Port));
        Assert.True(hung >= 4, $"only {hung} checks went to the silent listener");
        // n one-second hangs two at a time take ceil(n / 2) rounds; all at once would take one.
        var rounds = (hung + 1) / 2;
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(rounds - 0.3), $"the pass took {watch.Elapsed} for {hung} hanging checks: more than 2 ran at once");
    }

    [Fact]
    [Trait("Engine", "Postgres")]
    public async Task Two_instances_on_postgres_check_an_entity_exactly_once_per_interval()
    {
        using var data = new TestDataDirectory(postgres: true);
        var clock = new ManualClock();
        using var first = new DomainHost(data, Settings(), clock);
        using var second = new DomainHost(data, Settings(), clock);
        await PointAzureAdAtTokensAsync(first);
        var schedules = new[] { first, second }.Select(h => h.Services.GetRequiredService<ConnectionCheckSchedule>()).ToArray();

        var total = 0;
        for (var round = 1; round <= 3; round++)
        {
            clock.Advance(TimeSpan.FromSeconds(11.5));
            // Both instances pass at the same moment, several times over: only one wins each entity's claim.
            var counts = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => schedules[i % 2].RunDueAsync()));
            total += counts.Sum();
            Assert.Equal(round, TokenRequests);
        }
        Assert.Equal(3, total);
        await using var db = first.CreateDbContext();
        Assert.Equal(3, await db.AuditRecords.CountAsync(r => r.Action == ConnectionCheckActions.Checked && r.EntityId == AzureAd));
    }
}
