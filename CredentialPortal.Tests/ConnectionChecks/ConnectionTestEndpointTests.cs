using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.ConnectionChecks;
using CredentialPortal.Tests.Api;
using CredentialPortal.Tests.Infrastructure;
using CredentialPortal.Tests.Infrastructure.TestServers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CredentialPortal.Tests.ConnectionChecks.ConnectionCheckApi;

namespace CredentialPortal.Tests.ConnectionChecks;

/// <summary>POST …/connection/test through the real HTTP pipeline: roles, 404, lastCheck, one check per entity at a time, audit, secrets.</summary>
public sealed class ConnectionTestEndpointTests() : PortalWithServer<TokenEndpoint>(_ => new Dictionary<string, string?>
{
    ["Portal:ConnectionChecks:Timeout"] = "00:00:02",
    ["Logging:LogLevel:Default"] = "Trace",
    ["Logging:LogLevel:Microsoft"] = "Trace",
    ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Trace",
})
{
    private const string AzureAd = "adSyncProfiles/8E2C4B9A-1F37-4D6E-A5C0-7B9D3E1F2A44";
    private TokenEndpoint Tokens => Server;

    [Theory]
    [InlineData("auditor")]
    [InlineData("helpdesk")]
    public async Task Auditor_and_helpdesk_may_not_test(string login)
    {
        var api = await ApiSession.SignInAsync(Factory, login, PortalAppFactory.DemoPassword);
        var response = await api.PostAsync("storageTargets/13/connection/test", "");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_missing_entity_is_a_404_problem()
    {
        var api = await IntegratorAsync(Factory);
        foreach (var path in new[] { "storageTargets/999/connection/test", "importSources/not-a-number/connection/test", $"adSyncProfiles/{Guid.NewGuid()}/connection/test" })
        {
            var response = await api.PostAsync(path, "");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task A_second_request_while_a_check_runs_waits_for_that_check_and_every_check_is_audited_once()
    {
        var api = await IntegratorAsync(Factory);
        await PatchAsync(api, "storageTargets/13", new JsonObject { ["host"] = "127.0.0.1", ["port"] = Silent.Port });
        var first = TestAsync(api, "storageTargets/13");
        await Task.Delay(300);
        var second = TestAsync(api, "storageTargets/13");
        var answers = await Task.WhenAll(first, second);
        Assert.Equal("unreachable", Result(answers[0]));
        Assert.Equal(answers[0].ToJsonString(), answers[1].ToJsonString()); // the same check, not two
        Assert.Equal(2, Silent.Accepted); // one TCP probe and one SSH attempt

        await using var db = Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        var audited = await db.AuditRecords.Where(r => r.Action == ConnectionCheckActions.Checked && r.EntityId == "13").ToListAsync();
        var record = Assert.Single(audited);
        Assert.Equal("integrator", record.ActorName);
        Assert.Equal("unreachable", record.Outcome);
        Assert.Equal(CredentialPortal.Domain.Audit.Door.API, record.Door);

        // lastCheck: on GET and in the list, read-only.
        var entity = await ApiSession.JsonAsync(await api.GetAsync("storageTargets/13"));
        Assert.Equal("unreachable", (string)entity["lastCheck"]!["result"]!);
        var list = (await ApiSession.JsonAsync(await api.GetAsync("storageTargets"))).AsArray();
        Assert.Equal("unreachable", (string)list.Single(e => (int)e!["id"]! == 13)!["lastCheck"]!["result"]!);
        Assert.Null(list.Single(e => (int)e!["id"]! == 12)!["lastCheck"]);
        var patch = await api.PatchAsync("storageTargets/13", """{ "lastCheck": { "result": "ok" } }""");
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
    }

    [Fact]
    public async Task A_planted_secret_echoed_by_the_server_appears_in_no_response_log_audit_record_or_database_file()
    {
        var marker = "MARKER-check-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(10));
        var api = await IntegratorAsync(Factory);
        await PatchAsync(api, AzureAd, new JsonObject
        {
            ["authorityHost"] = Tokens.Address, ["tenantId"] = Tokens.Tenant, ["clientId"] = TokenEndpoint.EchoClient, ["clientSecret"] = marker,
        });
        var answer = await TestAsync(api, AzureAd);
        Assert.Equal("rejected", Result(answer));
        Assert.Contains("[secret]", Detail(answer)); // the server did echo it, and it was taken out
        var bodies = answer.ToJsonString() + await (await api.GetAsync(AzureAd)).Content.ReadAsStringAsync()
            + await (await api.GetAsync("adSyncProfiles")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(marker, bodies);
        Assert.DoesNotContain(marker, Factory.Logs.Text);
        Assert.Contains("Connection check of adSyncProfiles", Factory.Logs.Text); // the scan saw the check's log line

        await using (var db = Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext())
        {
            var audit = await db.AuditRecords.Where(r => r.EntityType == "adSyncProfiles").ToListAsync();
            Assert.Contains(audit, r => r.Action == ConnectionCheckActions.Checked);
            Assert.All(audit, r => Assert.DoesNotContain(marker, string.Join("|", r.Changes, r.Outcome, r.Properties)));
            Assert.DoesNotContain(marker, (await db.ConnectionCheckStates.SingleAsync(s => s.Resource == "adSyncProfiles")).Detail);
        }
        foreach (var bytes in await Factory.Data.StoredBytesAsync())
        {
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) < 0, "the marker is in a database file");
        }
    }
}
