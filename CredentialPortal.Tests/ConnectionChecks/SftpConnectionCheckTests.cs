using System.Diagnostics;
using System.Text.Json.Nodes;
using CredentialPortal.Domain.ConnectionChecks;
using CredentialPortal.Tests.Infrastructure;
using CredentialPortal.Tests.Infrastructure.TestServers;
using Microsoft.Extensions.DependencyInjection;
using static CredentialPortal.Tests.ConnectionChecks.ConnectionCheckApi;

namespace CredentialPortal.Tests.ConnectionChecks;

/// <summary>The <c>sftp</c> check against a real OpenSSH sshd on loopback (own config, port, host key, chrooted test user).</summary>
public sealed class SftpConnectionCheckTests : IClassFixture<SftpConnectionCheckTests.Servers>
{
    public sealed class Servers : PortalWithServer<SshdServer>
    {
        public Servers() : this(new ManualClock()) { }

        private Servers(ManualClock clock) : base(_ => new Dictionary<string, string?>
        {
            ["Portal:ConnectionChecks:Timeout"] = "00:00:03",
            ["Portal:ConnectionChecks:Interval"] = "00:00:01",
            ["Portal:ConnectionChecks:ScheduleEnabled"] = "false", // the test drives the schedule's passes itself
        }, services: s => s.AddSingleton<TimeProvider>(clock))
        {
            Clock = clock;
        }

        public ManualClock Clock { get; }
    }

    private const string Target = "storageTargets/13";
    private readonly Servers servers;

    public SftpConnectionCheckTests(Servers servers) => this.servers = servers;

    private JsonObject Settings(int? port = null, string path = "/recordings", string? fingerprint = null) => new()
    {
        ["host"] = "127.0.0.1", ["port"] = port ?? servers.Server.Port, ["userName"] = SshdServer.User, ["path"] = path,
        ["hostKeyFingerprint"] = fingerprint ?? servers.Server.HostKeyFingerprint,
    };

    private async Task<JsonObject> CheckAsync(JsonObject settings)
    {
        var api = await IntegratorAsync(servers.Factory);
        await PatchAsync(api, Target, settings);
        return await TestAsync(api, Target);
    }

    [Fact]
    public async Task Password_login_with_the_pinned_host_key_and_an_existing_path_is_ok()
    {
        var settings = Settings();
        settings["password"] = SshdServer.Password;
        var answer = await CheckAsync(settings);
        Assert.True(Result(answer) == "ok", Detail(answer));
    }

    [Fact]
    public async Task Key_login_with_its_passphrase_is_ok()
    {
        // Its own portal: a stored key cannot be removed again, and the other tests log in by password.
        using var factory = new PortalAppFactory();
        var api = await IntegratorAsync(factory);
        // A wrong password is stored too: only the key can have let it in.
        var settings = Settings();
        settings["password"] = "wrong-password-for-key-test";
        settings["privateKey"] = servers.Server.PrivateKey;
        settings["privateKeyPassphrase"] = SshdServer.KeyPassphrase;
        await PatchAsync(api, Target, settings);
        var answer = await ExpectAsync(api, Target, "ok");
        Assert.DoesNotContain("PRIVATE KEY", answer.ToJsonString());
    }

    [Fact]
    public async Task A_missing_path_is_misconfigured()
    {
        var settings = Settings(path: "/no-such-directory");
        settings["password"] = SshdServer.Password;
        var answer = await CheckAsync(settings);
        Assert.Equal("misconfigured", Result(answer));
        Assert.Contains("/no-such-directory", Detail(answer));
    }

    [Fact]
    public async Task A_pinned_host_key_that_differs_is_unreachable_naming_the_mismatch()
    {
        var settings = Settings(fingerprint: servers.Server.OtherFingerprint);
        settings["password"] = SshdServer.Password;
        var answer = await CheckAsync(settings);
        Assert.Equal("unreachable", Result(answer));
        Assert.Contains(servers.Server.HostKeyFingerprint, Detail(answer));
        Assert.Contains("pinned", Detail(answer));
    }

    [Fact]
    public async Task A_listener_that_accepts_and_never_speaks_is_unreachable_within_the_timeout()
    {
        var settings = Settings(port: servers.Silent.Port);
        settings["password"] = SshdServer.Password;
        var watch = Stopwatch.StartNew();
        var answer = await CheckAsync(settings);
        Assert.Equal("unreachable", Result(answer));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task A_rejected_entity_leaves_the_schedule_until_its_password_changes()
    {
        var api = await IntegratorAsync(servers.Factory);
        var schedule = servers.Factory.Services.GetRequiredService<ConnectionCheckSchedule>();
        var settings = Settings();
        settings["password"] = "wrong-password-Hh3";
        await PatchAsync(api, Target, settings);
        Assert.Equal("rejected", Result(await TestAsync(api, Target)));
        var attempts = servers.Server.AuthenticationAttempts();
        Assert.True(attempts > 0, "sshd logged no authentication attempt");

        // Many intervals pass: the schedule leaves the rejected entity alone, the server sees no new attempt.
        for (var i = 0; i < 5; i++)
        {
            servers.Clock.Advance(TimeSpan.FromSeconds(2));
            await schedule.RunDueAsync();
        }
        await Task.Delay(500); // sshd writes its log line after answering
        Assert.Equal(attempts, servers.Server.AuthenticationAttempts());

        // The password changes (a vault's PATCH): the entity is back, and the next pass checks it.
        await PatchAsync(api, Target, new JsonObject { ["password"] = SshdServer.Password });
        servers.Clock.Advance(TimeSpan.FromSeconds(2));
        await schedule.RunDueAsync();
        await Task.Delay(500);
        Assert.True(servers.Server.AuthenticationAttempts() > attempts, "the changed password was not checked");
        var entity = await ApiSessionJson(api, Target);
        Assert.Equal("ok", (string)entity["lastCheck"]!["result"]!);
    }

    private static async Task<JsonObject> ApiSessionJson(CredentialPortal.Tests.Api.ApiSession api, string path) =>
        (await CredentialPortal.Tests.Api.ApiSession.JsonAsync(await api.GetAsync(path))).AsObject();
}
