using System.Net;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Verification;
using CredentialPortal.Tests.Api;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.ScaleOut;

/// <summary>
/// Two portal instances over one PostgreSQL database, as behind a load balancer: lockout counting, the audit chain,
/// the key ring, tokens and cached snapshots must be right whichever instance a request reaches.
/// </summary>
[Trait("Engine", "Postgres")]
public sealed class TwoInstanceTests : IDisposable
{
    private readonly TestDataDirectory data = new(postgres: true);
    private readonly PortalAppFactory first;
    private readonly PortalAppFactory second;

    public TwoInstanceTests()
    {
        first = new PortalAppFactory(data);
        _ = first.Services; // migrations, key ring and demo data come from the first instance
        second = new PortalAppFactory(data);
        _ = second.Services;
    }

    public void Dispose()
    {
        second.Dispose();
        first.Dispose();
        data.Dispose();
    }

    private static Task<ApiSession> As(PortalAppFactory instance, string login) =>
        ApiSession.SignInAsync(instance, login, login == "admin" ? PortalAppFactory.AdminPassword : PortalAppFactory.DemoPassword);

    [Fact]
    public async Task A_two_factor_code_accepted_by_one_instance_is_refused_by_the_other()
    {
        var admin = await As(first, "admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsync("users/16", """{ "password": "new plain password" }""")).StatusCode);
        var twoFactor = first.Services.GetRequiredService<CredentialPortal.Domain.TwoFactor.TwoFactorSignIn>();
        var person = new Actor(16, "gabor.toth", Door.UI);
        var key = (await twoFactor.BeginAsync(person)).Value!.Key;
        var totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key));
        // Confirm with the previous step's code (accepted within the drift window), so the current one is still unused.
        Assert.NotNull((await twoFactor.ConfirmAsync(person, totp.ComputeTotp(DateTime.UtcNow.AddSeconds(-30)))).Value);

        var code = totp.ComputeTotp(DateTime.UtcNow);
        string Body() => $$"""{ "client_id": "gabor.toth", "client_secret": "new plain password", "otp": "{{code}}" }""";
        var answers = await Task.WhenAll(
            first.CreateClient().PostAsync(ApiSession.Base + "/auth/token", new StringContent(Body(), System.Text.Encoding.UTF8, "application/json")),
            second.CreateClient().PostAsync(ApiSession.Base + "/auth/token", new StringContent(Body(), System.Text.Encoding.UTF8, "application/json")));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Fifty_parallel_wrong_guesses_split_across_both_instances_record_exactly_five_failures()
    {
        var onFirst = await As(first, "integrator");
        var onSecond = await As(second, "integrator");
        Assert.Equal(HttpStatusCode.OK, (await onFirst.PatchAsync("storageTargets/11", """{ "secretAccessKey": "the real one" }""")).StatusCode);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            var session = i % 2 == 0 ? onFirst : onSecond;
            var response = await session.PostAsync("storageTargets/11/password/verify", $$"""{ "property": "secretAccessKey", "value": "guess {{i}}" }""");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.Equal(5, answers.Count(a => a is { StatusCode: HttpStatusCode.OK, Body: "false" }));
        Assert.Equal(45, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
        await using (var db = Context(first))
        {
            Assert.Equal(5, await db.VerificationAttempts.CountAsync(a => a.ActorName == "integrator" && a.Result == VerificationResult.Failed));
            Assert.Equal(1, await db.ActorLockouts.CountAsync(l => l.ActorName == "integrator"));
        }
        // Both instances refuse the locked caller everywhere, whichever of them locked it.
        foreach (var session in new[] { onFirst, onSecond })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, await EventuallyAsync(() => session.GetAsync("importSources"), HttpStatusCode.TooManyRequests));
        }
    }

    [Fact]
    public async Task Changes_through_both_instances_extend_one_audit_chain_without_gaps_or_forks()
    {
        var onFirst = await As(first, "admin");
        var onSecond = await As(second, "admin");
        long before;
        await using (var db = Context(first)) before = await db.AuditRecords.CountAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? onFirst : onSecond).PatchAsync("storageTargets/13", $$"""{ "port": {{2000 + i}} }""")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var instance in new[] { first, second })
        {
            await using var db = Context(instance);
            var chain = await instance.Services.GetRequiredService<AuditTrail>().VerifyChainAsync(db);
            Assert.True(chain.Intact, chain.Summary);
            // Every change has its record after the ones before the test, and the sequence has no holes.
            Assert.Equal(40, await db.AuditRecords.CountAsync(r => r.Sequence > before && r.Action == AuditActions.Update && r.EntityType == "storageTargets" && r.EntityId == "13"));
            Assert.Equal(await db.AuditRecords.CountAsync(), chain.RecordsChecked);
            Assert.Equal(chain.RecordsChecked, await db.AuditRecords.MaxAsync(r => r.Sequence));
        }
    }

    [Fact]
    public async Task The_key_ring_tokens_and_cached_entities_are_shared()
    {
        // One key ring: the second instance used the key the first one made, so each decrypts what the other wrote.
        await using (var db = Context(first)) Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
        var tokenFromFirst = await As(first, "integrator");
        var onSecond = await As(second, "admin");
        Assert.Equal(HttpStatusCode.OK, (await tokenFromFirst.PatchAsync("storageTargets/13", """{ "password": "written on the first" }""")).StatusCode);
        Assert.Equal("true", await (await onSecond.PostAsync("storageTargets/13/password/verify", """{ "property": "password", "value": "written on the first" }""")).Content.ReadAsStringAsync());

        // The second instance caches the entity; a change on the first reaches it.
        var cached = await onSecond.GetAsync("storageTargets/13");
        var version = cached.Headers.ETag!.Tag;
        var changed = await tokenFromFirst.PatchAsync("storageTargets/13", """{ "port": 2222 }""");
        Assert.NotEqual(version, changed.Headers.ETag!.Tag);
        var seen = await EventuallyAsync(async () => (await onSecond.GetAsync("storageTargets/13")).Headers.ETag!.Tag, changed.Headers.ETag!.Tag);
        Assert.Equal(changed.Headers.ETag!.Tag, seen);

        // A token the first instance issued works on the second, until the account's password changes anywhere.
        var client = second.CreateClient();
        client.DefaultRequestHeaders.Authorization = tokenFromFirst.Client.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{ApiSession.Base}/importSources")).StatusCode);
        int integratorId;
        await using (var db = Context(first)) integratorId = (await db.Users.SingleAsync(u => u.UserName == "integrator")).Id;
        Assert.Equal(HttpStatusCode.OK, (await (await As(first, "admin")).PatchAsync($"users/{integratorId}", """{ "password": "Quartz-Meadow-Lantern-42" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            await EventuallyAsync(async () => (await client.GetAsync($"{ApiSession.Base}/importSources")).StatusCode, HttpStatusCode.Unauthorized));
    }

    private static CredentialPortal.Data.PortalDbContext Context(PortalAppFactory instance) =>
        instance.Services.GetRequiredService<IDbContextFactory<CredentialPortal.Data.PortalDbContext>>().CreateDbContext();

    /// <summary>Another instance hears of a change within milliseconds (LISTEN/NOTIFY): ask again for up to 3 s.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, T expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (true)
        {
            var value = await read();
            if (EqualityComparer<T>.Default.Equals(value, expected) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(50);
        }
    }

    private static async Task<HttpStatusCode> EventuallyAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode expected) =>
        await EventuallyAsync(async () => (await send()).StatusCode, expected);
}
