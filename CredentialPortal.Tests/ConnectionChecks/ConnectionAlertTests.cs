using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.ConnectionChecks;
using CredentialPortal.Tests.Domain;
using CredentialPortal.Tests.Infrastructure;
using CredentialPortal.Tests.Infrastructure.TestServers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.ConnectionChecks;

/// <summary>State changes (ok ↔ rejected/unreachable) are audit records and open alerts until acknowledged.</summary>
public sealed class ConnectionAlertTests : IDisposable
{
    private const string AzureAd = DemoAzureAd.Id;
    private readonly TokenEndpoint tokens = new();
    private readonly ManualClock clock = new();
    private readonly DomainHost host;

    public ConnectionAlertTests()
    {
        host = new DomainHost(settings: new Dictionary<string, string?>
        {
            ["Portal:ConnectionChecks:ScheduleEnabled"] = "false",
            ["Portal:ConnectionChecks:Interval"] = "00:00:10",
        }, clock: clock);
    }

    public void Dispose()
    {
        host.Dispose();
        tokens.Dispose();
    }

    private ConnectionChecker Checker => host.Services.GetRequiredService<ConnectionChecker>();

    private async Task<ConnectionResult> TestWithSecretAsync(string secret)
    {
        await DemoAzureAd.PointAtAsync(host, tokens, secret);
        return (await Checker.TestAsync(DomainHost.Vault, EntityCatalog.AdSyncProfiles, AzureAd)).Value!.Result;
    }

    [Fact]
    public async Task Ok_to_rejected_and_back_are_state_changes_shown_until_acknowledged()
    {
        tokens.Accept(DemoAzureAd.ClientId, "the-right-secret");
        Assert.Equal(ConnectionResult.Ok, await TestWithSecretAsync("the-right-secret"));
        Assert.Empty(await Checker.OpenAlertsAsync()); // a first result is no change

        Assert.Equal(ConnectionResult.Rejected, await TestWithSecretAsync("a-wrong-secret"));
        var alert = Assert.Single(await Checker.OpenAlertsAsync());
        Assert.Equal(("ok", ConnectionResult.Rejected), (alert.From, alert.To));
        var failing = Assert.Single(await Checker.FailingAsync(), f => f.EntityKey == AzureAd);
        Assert.True(failing.LeftSchedule);

        // The rejected entity is not checked while its settings stay as they are (the others, unreachable here, are).
        clock.Advance(TimeSpan.FromSeconds(30));
        var before = tokens.Requests.Count;
        await host.Services.GetRequiredService<ConnectionCheckSchedule>().RunDueAsync();
        Assert.Equal(before, tokens.Requests.Count);

        Assert.True(await Checker.AcknowledgeAsync(DomainHost.Vault, "adSyncProfiles", AzureAd));
        Assert.Empty(await Checker.OpenAlertsAsync());
        Assert.False(await Checker.AcknowledgeAsync(DomainHost.Vault, "adSyncProfiles", AzureAd));

        Assert.Equal(ConnectionResult.Ok, await TestWithSecretAsync("the-right-secret"));
        Assert.Equal(("rejected", ConnectionResult.Ok), Assert.Single(await Checker.OpenAlertsAsync()) is var back ? (back.From, back.To) : default);
        Assert.DoesNotContain(await Checker.FailingAsync(), f => f.EntityKey == AzureAd);

        await using var db = host.CreateDbContext();
        var changes = await db.AuditRecords.Where(r => r.Action == ConnectionCheckActions.StateChanged && r.EntityId == AzureAd).OrderBy(r => r.Sequence).ToListAsync();
        Assert.Equal(["rejected", "ok"], changes.Select(c => c.Outcome));
        Assert.Contains("\"old\":\"ok\"", changes[0].Changes);
        Assert.Equal(1, await db.AuditRecords.CountAsync(r => r.Action == ConnectionCheckActions.AlertAcknowledged));
        var chain = await host.Audit.VerifyChainAsync(db);
        Assert.True(chain.Intact, chain.Summary);
    }
}
