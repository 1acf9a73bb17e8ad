using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Tests.Api;
using CredentialPortal.Tests.Infrastructure.TestServers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CredentialPortal.Tests.ConnectionChecks.ConnectionCheckApi;

namespace CredentialPortal.Tests.ConnectionChecks;

/// <summary>
/// The <c>smb</c> check (Debian's smbclient) against a real Samba smbd on a loopback port (own smb.conf, passdb and
/// share), reached through the storage target's <c>port</c>.
/// </summary>
public sealed class SmbConnectionCheckTests : IClassFixture<SmbConnectionCheckTests.Servers>
{
    public sealed class Servers() : PortalWithServer<SmbdServer>(_ => new Dictionary<string, string?>
    {
        ["Portal:ConnectionChecks:Timeout"] = "00:00:03",
        ["Portal:ConnectionChecks:ScheduleEnabled"] = "false",
    });

    private const string Target = "storageTargets/14";
    private readonly Servers servers;

    public SmbConnectionCheckTests(Servers servers) => this.servers = servers;

    private JsonObject Settings(string password, string? sharePath = null, int? port = null) => new()
    {
        ["sharePath"] = sharePath ?? SmbdServer.SharePath,
        ["domain"] = SmbdServer.Workgroup,
        ["userName"] = SmbdServer.User,
        ["port"] = port ?? servers.Server.Port,
        ["password"] = password,
    };

    private async Task<JsonObject> CheckAsync(JsonObject settings, string result)
    {
        var api = await IntegratorAsync(servers.Factory);
        await PatchAsync(api, Target, settings);
        return await ExpectAsync(api, Target, result);
    }

    [Fact]
    public async Task The_right_password_lists_the_share_ok()
    {
        var answer = await CheckAsync(Settings(SmbdServer.Password), "ok");
        Assert.Contains($@"{SmbdServer.Workgroup}\{SmbdServer.User}", Detail(answer));
    }

    [Fact]
    public async Task A_wrong_password_is_rejected_and_not_echoed()
    {
        const string wrong = "wrong-smb-password-Jx8";
        var answer = await CheckAsync(Settings(wrong), "rejected");
        Assert.Contains("NT_STATUS_LOGON_FAILURE", Detail(answer));
        Assert.DoesNotContain(wrong, answer.ToJsonString());
    }

    [Fact]
    public async Task A_share_that_does_not_exist_is_misconfigured()
    {
        var answer = await CheckAsync(Settings(SmbdServer.Password, sharePath: @"\\127.0.0.1\no-such-share"), "misconfigured");
        Assert.Contains("no-such-share", Detail(answer));
        Assert.Contains("login", Detail(answer)); // the login succeeded: it is the share that is wrong
    }

    [Fact]
    public async Task A_directory_below_the_share_that_does_not_exist_is_misconfigured()
    {
        var answer = await CheckAsync(Settings(SmbdServer.Password, sharePath: $@"{SmbdServer.SharePath}\no-such-directory"), "misconfigured");
        Assert.Contains("no-such-directory", Detail(answer));
    }

    [Fact]
    public async Task A_closed_port_is_unreachable_naming_it()
    {
        var closed = TestServerProcess.FreePort(); // was free a moment ago: nothing listens there
        var answer = await CheckAsync(Settings(SmbdServer.Password, port: closed), "unreachable");
        Assert.Contains($"127.0.0.1:{closed}", Detail(answer));
        Assert.Contains("refused", Detail(answer));
    }

    [Fact]
    public async Task A_listener_that_accepts_and_never_speaks_is_unreachable_within_the_timeout_and_smbclient_is_stopped()
    {
        var api = await IntegratorAsync(servers.Factory);
        await PatchAsync(api, Target, Settings(SmbdServer.Password, port: servers.Silent.Port));
        var watch = Stopwatch.StartNew();
        await ExpectAsync(api, Target, "unreachable");
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(8));
        // smbclient waits past its own -t while the server never negotiates: the portal's timeout kills it.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (servers.Silent.Open > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(0, servers.Silent.Open);
    }

    [Fact]
    public async Task The_port_is_optional_left_out_while_unset_1_to_65535_and_audited()
    {
        var api = await IntegratorAsync(servers.Factory);
        await PatchAsync(api, Target, new JsonObject { ["port"] = null });
        var unset = (await ApiSession.JsonAsync(await api.GetAsync(Target))).AsObject();
        Assert.False(unset.ContainsKey("port"), unset.ToJsonString()); // as the source document prints an smb target

        foreach (var bad in new[] { "0", "65536", "\"445\"" })
        {
            var refused = await api.PatchAsync(Target, $$"""{ "port": {{bad}} }""");
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"port {bad}: {(int)refused.StatusCode}");
        }

        await PatchAsync(api, Target, new JsonObject { ["port"] = 4450 });
        var set = (await ApiSession.JsonAsync(await api.GetAsync(Target))).AsObject();
        Assert.Equal(4450, (int)set["port"]!);
        await using var db = servers.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        var record = await db.AuditRecords.Where(r => r.Action == AuditActions.Update && r.EntityType == "storageTargets" && r.EntityId == "14")
            .OrderByDescending(r => r.Sequence).FirstAsync();
        Assert.Equal("integrator", record.ActorName);
        Assert.Contains("\"port\"", record.Changes);
        Assert.Contains("4450", record.Changes);
    }
}
