using System.Diagnostics;
using System.Text.Json.Nodes;
using CredentialPortal.Tests.Infrastructure;
using CredentialPortal.Tests.Infrastructure.TestServers;
using static CredentialPortal.Tests.ConnectionChecks.ConnectionCheckApi;

namespace CredentialPortal.Tests.ConnectionChecks;

/// <summary>The <c>ldap</c> check against a real OpenLDAP slapd on loopback (LDAP and LDAPS with a throwaway CA).</summary>
public sealed class LdapConnectionCheckTests : IClassFixture<LdapConnectionCheckTests.Servers>
{
    public sealed class Servers() : PortalWithServer<SlapdServer>(slapd => new Dictionary<string, string?>
    {
        ["Portal:ConnectionChecks:Timeout"] = "00:00:03",
        ["Portal:ConnectionChecks:TrustedCaFile"] = slapd.CaFile,
    });

    private const string Profile = "adSyncProfiles/13F72189-2EEB-425F-885B-7D1BBA83DDEB";
    private readonly Servers servers;

    public LdapConnectionCheckTests(Servers servers) => this.servers = servers;

    private async Task<JsonObject> CheckAsync(int port, bool useSsl, string password, string baseDn = SlapdServer.BaseDn)
    {
        var api = await IntegratorAsync(servers.Factory);
        await PatchAsync(api, Profile, new JsonObject
        {
            ["host"] = "127.0.0.1", ["port"] = port, ["useSsl"] = useSsl, ["userName"] = SlapdServer.BindDn,
            ["baseDn"] = baseDn, ["ldapPassword"] = password,
        });
        return await TestAsync(api, Profile);
    }

    [Fact]
    public async Task Ldaps_bind_with_the_stored_password_and_an_existing_base_dn_is_ok()
    {
        var answer = await CheckAsync(servers.Server.LdapsPort, useSsl: true, SlapdServer.BindPassword);
        Assert.True(Result(answer) == "ok", Detail(answer));
        Assert.Contains(SlapdServer.BaseDn, Detail(answer));
        Assert.True((long)answer["durationMs"]! >= 0);
        Assert.NotNull(answer["checkedAt"]);
    }

    [Fact]
    public async Task A_wrong_password_is_rejected_and_the_detail_does_not_contain_it()
    {
        var answer = await CheckAsync(servers.Server.LdapsPort, useSsl: true, "not-the-bind-password-Zz9");
        Assert.Equal("rejected", Result(answer));
        Assert.DoesNotContain("not-the-bind-password-Zz9", answer.ToJsonString());
    }

    [Fact]
    public async Task A_base_dn_that_does_not_exist_is_misconfigured()
    {
        var answer = await CheckAsync(servers.Server.LdapsPort, useSsl: true, SlapdServer.BindPassword, "ou=nowhere," + SlapdServer.Suffix);
        Assert.Equal("misconfigured", Result(answer));
        Assert.Contains("ou=nowhere", Detail(answer));
    }

    [Fact]
    public async Task Ssl_against_the_plain_ldap_port_is_unreachable_naming_tls()
    {
        var answer = await CheckAsync(servers.Server.LdapPort, useSsl: true, SlapdServer.BindPassword);
        Assert.Equal("unreachable", Result(answer));
        Assert.Contains("TLS", Detail(answer));
    }

    [Fact]
    public async Task Plain_ldap_on_the_ldap_port_is_ok()
    {
        var answer = await CheckAsync(servers.Server.LdapPort, useSsl: false, SlapdServer.BindPassword);
        Assert.True(Result(answer) == "ok", Detail(answer));
    }

    [Fact]
    public async Task A_silent_listener_is_unreachable_within_the_timeout()
    {
        var watch = Stopwatch.StartNew();
        var answer = await CheckAsync(servers.Silent.Port, useSsl: true, SlapdServer.BindPassword);
        watch.Stop();
        Assert.Equal("unreachable", Result(answer));
        Assert.Contains("within 3 s", Detail(answer));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(8));
    }
}

/// <summary>slapd stopped: its own server, so stopping it disturbs no other test.</summary>
public sealed class LdapServerStoppedTests
{
    [Fact]
    public async Task A_stopped_slapd_is_unreachable()
    {
        using var slapd = new SlapdServer();
        using var factory = new PortalAppFactory(overrides: new Dictionary<string, string?> { ["Portal:ConnectionChecks:TrustedCaFile"] = slapd.CaFile });
        var api = await IntegratorAsync(factory);
        const string profile = "adSyncProfiles/13F72189-2EEB-425F-885B-7D1BBA83DDEB";
        await PatchAsync(api, profile, new JsonObject
        {
            ["host"] = "127.0.0.1", ["port"] = slapd.LdapsPort, ["useSsl"] = true, ["userName"] = SlapdServer.BindDn,
            ["baseDn"] = SlapdServer.BaseDn, ["ldapPassword"] = SlapdServer.BindPassword,
        });
        Assert.Equal("ok", Result(await TestAsync(api, profile)));
        slapd.Stop();
        var answer = await TestAsync(api, profile);
        Assert.Equal("unreachable", Result(answer));
        Assert.Contains("refused", Detail(answer));
    }
}
