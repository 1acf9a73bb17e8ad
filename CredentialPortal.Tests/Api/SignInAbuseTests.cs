using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using CredentialPortal.Api;
using CredentialPortal.Data;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Tests.Api;

/// <summary>
/// Login abuse: password spraying (one guess against each of many accounts, which no per-account lockout sees) is
/// slowed per client address at both doors and audited; and a refusal looks and takes the same whether the name is
/// unknown, the password wrong, or the account locked, disabled or without a password.
/// </summary>
public class SignInAbuseTests
{
    private const string SprayedPassword = "Winter2026!Spring";

    [Fact]
    public async Task Spraying_many_accounts_from_one_address_is_slowed_at_both_doors_and_audited_while_other_addresses_go_on()
    {
        using var factory = new PortalAppFactory(); // the production budget per address
        var portal = factory.StartOnLoopback();
        var limit = factory.Services.GetRequiredService<IOptions<ApiOptions>>().Value.TokenRequestsPerMinute;
        var accounts = Enumerable.Range(1, 50).Select(i => $"sprayed.{i:00}").ToList();
        Assert.True(limit < accounts.Count, $"the budget ({limit}) should be below the {accounts.Count} accounts sprayed");
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            foreach (var (name, i) in accounts.Select((n, i) => (n, i)))
            {
                var created = await users.CreateAsync(new PortalUser { UserName = name, DisplayName = name, CreatedAt = DateTime.UtcNow },
                    $"the own password of account {i}");
                Assert.True(created.Succeeded, string.Join(", ", created.Errors.Select(e => e.Description)));
            }
        }

        // One address, one guess per account through the token endpoint: the budget runs out, the rest is refused unread.
        var attacker = LoopbackClient.From(portal, "127.0.0.1");
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        foreach (var account in accounts)
        {
            var response = await ApiSession.RequestTokenAsync(attacker, account, SprayedPassword);
            statuses.Add(response.StatusCode);
            refused ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, limit).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, accounts.Count - limit)), statuses);
        Assert.Equal("application/problem+json", refused!.Content.Headers.ContentType?.MediaType);
        Assert.Contains(SignInRateLimit.RefusalDetail, await refused.Content.ReadAsStringAsync());
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var failedCounts = await db.Users.Where(u => accounts.Contains(u.UserName!)).ToDictionaryAsync(u => u.UserName!, u => u.AccessFailedCount);
            // The guesses within the budget were checked (and counted); the refused ones never reached a password check.
            Assert.All(accounts.Take(limit), a => Assert.Equal(1, failedCounts[a]));
            Assert.All(accounts.Skip(limit), a => Assert.Equal(0, failedCounts[a]));
        }

        // The portal's form draws on the same budget: showing it still works, posting it is refused.
        var page = await attacker.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var form = await PortalForms.SubmitLoginAsync(attacker, accounts[0], SprayedPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, form.StatusCode);
        Assert.Equal("text/html", form.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many sign-in attempts", await form.Content.ReadAsStringAsync());

        // Another address is not slowed: the budget belongs to the client, not to the server.
        var colleague = LoopbackClient.From(portal, "127.0.0.2");
        Assert.Equal(HttpStatusCode.OK, (await ApiSession.RequestTokenAsync(colleague, accounts[^1], $"the own password of account {accounts.Count - 1}")).StatusCode);

        // Spraying through the portal's form from a third address: the same budget, the same cut-off.
        var formAttacker = LoopbackClient.From(portal, "127.0.0.3");
        var formStatuses = new List<HttpStatusCode>();
        foreach (var account in accounts)
        {
            var response = await PortalForms.SubmitLoginAsync(formAttacker, account, SprayedPassword);
            formStatuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.OK) Assert.Contains("The user name or password is incorrect.", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, limit).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, accounts.Count - limit)), formStatuses);

        // Recorded: every guess that was checked, by door and address; one throttling record per address and window.
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var records = await db.AuditRecords.Where(r => r.Action == AuditActions.SignInFailed || r.Action == AuditActions.SignInThrottled).ToListAsync();
            var apiFailures = records.Where(r => r.Action == AuditActions.SignInFailed && r.ClientAddress == "127.0.0.1").ToList();
            Assert.Equal(accounts.Take(limit), apiFailures.OrderBy(r => r.Sequence).Select(r => r.ActorName));
            Assert.All(apiFailures, r => Assert.Equal(Door.API, r.Door));
            var formFailures = records.Where(r => r.Action == AuditActions.SignInFailed && r.ClientAddress == "127.0.0.3").ToList();
            Assert.Equal(limit, formFailures.Count);
            Assert.All(formFailures, r => Assert.Equal(Door.UI, r.Door));

            var throttled = records.Where(r => r.Action == AuditActions.SignInThrottled).OrderBy(r => r.Sequence).ToList();
            Assert.Equal([("127.0.0.1", Door.API), ("127.0.0.3", Door.UI)], throttled.Select(r => (r.ClientAddress, r.Door)));
            Assert.All(throttled, r => Assert.Contains($"more than {limit} sign-in attempts a minute from {r.ClientAddress}", r.Outcome));
            Assert.DoesNotContain(records, r => r.ClientAddress == "127.0.0.2");
        }
    }

    [Fact]
    public void An_IPv6_client_has_one_budget_for_its_whole_64_network()
    {
        Assert.Equal("2001:db8:1:2::/64", SignInRateLimit.PartitionOf(IPAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:1")));
        Assert.Equal(SignInRateLimit.PartitionOf(IPAddress.Parse("2001:db8:1:2::1")), SignInRateLimit.PartitionOf(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.NotEqual(SignInRateLimit.PartitionOf(IPAddress.Parse("2001:db8:1:2::1")), SignInRateLimit.PartitionOf(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal("192.0.2.7", SignInRateLimit.PartitionOf(IPAddress.Parse("::ffff:192.0.2.7")));
        Assert.NotEqual(SignInRateLimit.PartitionOf(IPAddress.Parse("192.0.2.7")), SignInRateLimit.PartitionOf(IPAddress.Parse("192.0.2.8")));
    }

    /// <summary>Counts password hash verifications, so "each refusal costs one password check" can be asserted exactly.</summary>
    private sealed class CountingHasher(IPasswordHasher<PortalUser> inner) : IPasswordHasher<PortalUser>
    {
        private int verifications;
        public int Verifications => Volatile.Read(ref verifications);
        public string HashPassword(PortalUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(PortalUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref verifications);
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    [Fact]
    public async Task A_refusal_says_and_costs_the_same_for_an_unknown_name_a_wrong_password_and_a_locked_disabled_or_passwordless_account()
    {
        CountingHasher? hasher = null;
        using var factory = new PortalAppFactory(
            overrides: new Dictionary<string, string?>
            {
                // A realistic hash cost, so skipping the hash shows in the timing; many attempts from one test client.
                ["Portal:PasswordHashIterations"] = "100000",
                ["Api:TokenRequestsPerMinute"] = "1000",
            },
            services: s => s.Replace(ServiceDescriptor.Singleton<IPasswordHasher<PortalUser>>(sp =>
                hasher ??= new CountingHasher(new PasswordHasher<PortalUser>(sp.GetRequiredService<IOptions<PasswordHasherOptions>>())))));
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        // dora.nagy is locked by five wrong passwords; emil.berg is disabled; hanna.schmidt and ivan.petrov come from
        // Active Directory and have no password here; anna, ben and chen take the wrong passwords (under the lockout).
        for (var i = 0; i < 5; i++) await ApiSession.RequestTokenAsync(client, "dora.nagy", "wrong guess " + i);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            Assert.True(await users.IsLockedOutAsync((await users.FindByNameAsync("dora.nagy"))!));
            var emil = (await users.FindByNameAsync("emil.berg"))!;
            emil.Enabled = false;
            Assert.True((await users.UpdateAsync(emil)).Succeeded);
        }
        var cases = new (string Case, string[] Names)[]
        {
            ("wrong password", ["anna.kovacs", "ben.okafor", "chen.li"]),
            ("unknown name", ["nobody.at.all", "no.such.person"]),
            ("locked account", ["dora.nagy"]),
            ("disabled account", ["emil.berg"]),
            ("account without a password", ["hanna.schmidt", "ivan.petrov"]),
        };

        var bodies = new Dictionary<string, HashSet<string>>();
        var times = cases.ToDictionary(c => c.Case, _ => new List<double>());
        const int rounds = 5;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, names) in cases) // interleaved, so a busy moment on the machine hits every case alike
            {
                var before = hasher!.Verifications;
                var clock = Stopwatch.StartNew();
                var response = await ApiSession.RequestTokenAsync(client, names[round % names.Length], "a wrong password " + round);
                times[name].Add(clock.Elapsed.TotalMilliseconds);
                Assert.True(hasher.Verifications - before == 1, $"{name}: {hasher.Verifications - before} password checks instead of one");
                bodies.TryAdd(name, []);
                bodies[name].Add(await DescribeAsync(response));
            }
        }
        // Byte for byte the same answer (status, headers, body) apart from the trace id.
        var answers = bodies.SelectMany(b => b.Value.Select(v => (Case: b.Key, Answer: v))).ToList();
        Assert.True(answers.Select(a => a.Answer).Distinct().Count() == 1,
            "different answers:\n" + string.Join("\n", answers.DistinctBy(a => a.Answer).Select(a => $"{a.Case}: {a.Answer}")));
        Assert.StartsWith("401 ", answers[0].Answer);

        // Comparable time: each case's median within a factor of two of a wrong password's (skipping the hash is ~50x faster).
        var reference = Median(times["wrong password"]);
        foreach (var (name, samples) in times)
        {
            var ratio = Median(samples) / reference;
            Assert.True(ratio is > 0.5 and < 2, $"{name}: median {Median(samples):F1} ms against {reference:F1} ms for a wrong password " +
                $"({string.Join(", ", times.Select(t => $"{t.Key}: {string.Join("/", t.Value.Select(v => v.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}"))})");
        }

        // The portal's form: the same page for every refusal, and one password check each.
        var pages = new List<(string Case, string Page)>();
        foreach (var (name, names) in cases)
        {
            var portal = factory.CreateClient(new() { AllowAutoRedirect = false });
            var before = hasher!.Verifications;
            var response = await PortalForms.SubmitLoginAsync(portal, names[^1], "a wrong password on the form");
            Assert.Equal(1, hasher.Verifications - before);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadAsStringAsync();
            Assert.Contains("The user name or password is incorrect.", page);
            Assert.DoesNotContain("a wrong password on the form", page); // the typed password is not sent back
            pages.Add((name, NormalisePage(page, names[^1])));
        }
        Assert.True(pages.Select(p => p.Page).Distinct().Count() == 1,
            "different pages:\n" + string.Join("\n---\n", pages.DistinctBy(p => p.Page).Select(p => $"{p.Case}:\n{p.Page}")));

        // The audit log still knows what happened.
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var reasons = await db.AuditRecords.Where(r => r.Action == AuditActions.SignInFailed).Select(r => r.Outcome).Distinct().ToListAsync();
            Assert.Equal(["account disabled", "account locked out", "unknown login name", "wrong password"], reasons.Order());
        }
    }

    /// <summary>Status, headers but the date, and the body without its trace id.</summary>
    private static async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        var headers = response.Headers.Concat(response.Content.Headers).Where(h => h.Key != "Date")
            .OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}: {string.Join(",", h.Value)}");
        var body = Regex.Replace(await response.Content.ReadAsStringAsync(), "\"traceId\":\"[^\"]*\"", "\"traceId\":\"…\"");
        return $"{(int)response.StatusCode} {string.Join("; ", headers)} {body}";
    }

    /// <summary>
    /// The page without what differs by request on purpose: the antiforgery token, the component state Blazor protects
    /// with a fresh IV each time (unreadable to the client), and the name typed in.
    /// </summary>
    private static string NormalisePage(string page, string loginName)
    {
        page = Regex.Replace(page, "name=\"__RequestVerificationToken\" value=\"[^\"]*\"", "name=\"__RequestVerificationToken\" value=\"…\"");
        page = Regex.Replace(page, "<!--Blazor-Server-Component-State:[^-]*-->", "<!--Blazor-Server-Component-State:…-->");
        return page.Replace(loginName, "{login name}", StringComparison.Ordinal);
    }

    private static double Median(List<double> samples)
    {
        var sorted = samples.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
