using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CredentialPortal.Tests.Api;

/// <summary>
/// Many writers and readers at once against one SQLite file, with another connection grabbing the write lock now and
/// then: every write is answered (no 500), none is lost, each entity ends as its last acknowledged write, readers only
/// ever see whole writes and never go back in time, and the audit chain records the commits in the versions' order.
/// </summary>
[Trait("Category", "Heavy"), Trait("Engine", "SqliteOnly")]
public sealed class ContentionTests(ITestOutputHelper output) : IDisposable
{
    private const int EntityCount = 50;
    private const int WriterCount = 20;
    private const int Writes = 200;
    private const string WriterPassword = "contention-writer-password-2026";

    private readonly TestDataDirectory data = new(postgres: false);
    private PortalAppFactory? app;

    public void Dispose()
    {
        app?.Dispose();
        data.Dispose();
    }

    [Fact]
    public async Task Two_hundred_concurrent_patches_from_twenty_tokens_with_readers_lose_nothing_and_answer_no_500()
    {
        // 50 storage targets of four types (the scale seed), and 20 Integrator accounts, one token each.
        app = new PortalAppFactory(data, new Dictionary<string, string?> { ["Portal:SeedDemo"] = null, ["Portal:SeedScale"] = "500" });
        await CreateWritersAsync();
        var writers = new ApiSession[WriterCount];
        for (var w = 0; w < WriterCount; w++) writers[w] = await ApiSession.SignInAsync(app, Writer(w), WriterPassword);
        var reader = await ApiSession.SignInAsync(app, "admin", PortalAppFactory.AdminPassword);

        var ids = Enumerable.Range(1, EntityCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var types = new EntityTypeDescriptor[EntityCount];
        var initialVersion = new int[EntityCount];
        var initialBody = new JsonNode[EntityCount];
        for (var e = 0; e < EntityCount; e++)
        {
            var response = await reader.GetAsync($"storageTargets/{ids[e]}");
            initialBody[e] = await ApiSession.JsonAsync(response);
            types[e] = NumberedWrites.TypeOf(EntityCatalog.StorageTargets, initialBody[e]);
            initialVersion[e] = VersionOf(response);
        }

        // Write n goes to entity n % 50 with a token picked at random; all 200 are sent at once, in shuffled order.
        var random = new Random(9);
        var writerOf = Enumerable.Range(0, Writes + 1).Select(_ => random.Next(WriterCount)).ToArray();
        var order = Enumerable.Range(1, Writes).OrderBy(_ => random.Next()).ToArray();
        var writes = new NumberedWrites(Guid.NewGuid().ToString("N")[..10]);
        var answers = new ConcurrentDictionary<int, (HttpStatusCode Status, int? Version, string? RetryAfter, string? Body)>();
        using var stop = new CancellationTokenSource();

        var interferer = InterfereAsync(stop.Token);
        var readers = Enumerable.Range(0, 3).Select(r => ReadAsync(reader, ids, r, stop.Token)).ToArray();
        await Task.WhenAll(order.Select(async n =>
        {
            var response = await writers[writerOf[n]].PatchAsync($"storageTargets/{ids[n % EntityCount]}", writes.Body(types[n % EntityCount], n));
            answers[n] = (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? VersionOf(response) : null,
                response.Headers.RetryAfter?.ToString(), response.StatusCode == HttpStatusCode.OK ? null : await response.Content.ReadAsStringAsync());
        }));
        await stop.CancelAsync();
        var locksTaken = await interferer;
        var reads = (await Task.WhenAll(readers)).SelectMany(r => r).ToList();

        // Every write was answered 200, or 503 with Retry-After when the lock did not come in time; never anything else.
        var unexpected = answers.Where(a => a.Value.Status != HttpStatusCode.OK
            && !(a.Value.Status == HttpStatusCode.ServiceUnavailable && a.Value.RetryAfter is not null)).ToList();
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected.Select(a => $"write {a.Key}: {(int)a.Value.Status} {a.Value.Body}")));
        var busy = answers.Count(a => a.Value.Status == HttpStatusCode.ServiceUnavailable);
        output.WriteLine($"{Writes - busy} acknowledged, {busy} busy; the other connection took the write lock {locksTaken} times; {reads.Count} reads");
        Assert.True(locksTaken > 0, "the other connection should have held the write lock during the run");

        await using var db = app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        var chain = await app.Services.GetRequiredService<AuditTrail>().VerifyChainAsync(db);
        Assert.True(chain.Intact, chain.Summary);
        Assert.Equal(await db.AuditRecords.CountAsync(), chain.RecordsChecked);

        var writeAtVersion = new Dictionary<(int Entity, int Version), int>();
        for (var e = 0; e < EntityCount; e++)
        {
            var sent = Enumerable.Range(1, Writes).Where(n => n % EntityCount == e).ToList();
            var acknowledged = sent.Where(n => answers[n].Status == HttpStatusCode.OK).OrderBy(n => answers[n].Version).ToList();

            // No lost update: the acknowledged writes hold the versions after the initial one, one each, without gaps;
            // a 503 took none.
            Assert.Equal(Enumerable.Range(initialVersion[e] + 1, acknowledged.Count), acknowledged.Select(n => answers[n].Version!.Value));
            foreach (var n in acknowledged) writeAtVersion[(e, answers[n].Version!.Value)] = n;

            // The audit chain has one update per acknowledged write, in the same order, each by the token's account.
            var updates = await db.AuditRecords.AsNoTracking()
                .Where(r => r.EntityType == "storageTargets" && r.EntityId == ids[e] && r.Action == AuditActions.Update)
                .OrderBy(r => r.Sequence).ToListAsync();
            Assert.Equal(acknowledged, updates.Select(u => NumberedWrites.WriteOf(types[e], u, sent) ?? -1));
            Assert.Equal(acknowledged.Select(n => Writer(writerOf[n])), updates.Select(u => u.ActorName));

            // The entity is its last acknowledged write, public fields and secrets.
            var final = await reader.GetAsync($"storageTargets/{ids[e]}");
            var body = await ApiSession.JsonAsync(final);
            Assert.Equal(initialVersion[e] + acknowledged.Count, VersionOf(final));
            if (acknowledged.Count == 0)
            {
                Assert.True(JsonNode.DeepEquals(initialBody[e], body), $"entity {ids[e]} changed without an acknowledged write");
                continue;
            }
            var last = acknowledged[^1];
            Assert.True(NumberedWrites.Shows(types[e], body, last), $"entity {ids[e]} should be write {last}: {NumberedWrites.Describe(body)}");
            foreach (var secret in NumberedWrites.SecretsOf(types[e]))
            {
                var verify = await reader.PostAsync($"storageTargets/{ids[e]}/password/verify",
                    new JsonObject { ["property"] = secret, ["value"] = writes.Secret(secret, last) }.ToJsonString());
                Assert.True("true" == await verify.Content.ReadAsStringAsync(), $"entity {ids[e]}: {secret} is not write {last}'s");
            }
        }

        // Readers: always 200, each GET a whole write (the one its version names), and per reader never an older
        // version after a newer one.
        Assert.All(reads, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        foreach (var read in reads.Where(r => r.Entity is not null))
        {
            var e = read.Entity!.Value;
            if (read.Version == initialVersion[e]) Assert.True(JsonNode.DeepEquals(initialBody[e], read.Body), $"read of {ids[e]} at its initial version differs");
            else Assert.True(writeAtVersion.TryGetValue((e, read.Version), out var n) && NumberedWrites.Shows(types[e], read.Body!, n),
                $"read of {ids[e]} at version {read.Version} is not a whole acknowledged write: {NumberedWrites.Describe(read.Body!)}");
        }
        foreach (var seen in reads.Where(r => r.Entity is not null).GroupBy(r => (r.Reader, r.Entity)))
        {
            var versions = seen.Select(r => r.Version).ToList();
            Assert.True(versions.SequenceEqual(versions.Order()), $"reader {seen.Key.Reader} saw entity {ids[seen.Key.Entity!.Value]} go back: {string.Join(",", versions)}");
        }
        // A list shows each entity as its initial state or one whole write.
        foreach (var item in reads.Where(r => r.Entity is null).SelectMany(r => r.Body!.AsArray()))
        {
            var e = Array.IndexOf(ids, ((int)item!["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(JsonNode.DeepEquals(initialBody[e], item) || Enumerable.Range(1, Writes).Any(n => n % EntityCount == e && NumberedWrites.Shows(types[e], item, n)),
                $"listed entity {ids[e]} is not a whole write: {NumberedWrites.Describe(item)}");
        }
    }

    private sealed record Read(int Reader, int? Entity, HttpStatusCode Status, int Version, JsonNode? Body);

    /// <summary>Until stopped: GET one entity after another (and now and then the whole list), recording what came back.</summary>
    private static async Task<List<Read>> ReadAsync(ApiSession session, string[] ids, int reader, CancellationToken stop)
    {
        var reads = new List<Read>();
        var random = new Random(reader);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            if (i % 10 == 9)
            {
                var list = await session.GetAsync($"storageTargets?limit={EntityCount}");
                reads.Add(new(reader, null, list.StatusCode, 0, list.IsSuccessStatusCode ? await ApiSession.JsonAsync(list) : null));
                continue;
            }
            var e = random.Next(EntityCount);
            var response = await session.GetAsync($"storageTargets/{ids[e]}");
            reads.Add(new(reader, e, response.StatusCode, response.IsSuccessStatusCode ? VersionOf(response) : -1,
                response.IsSuccessStatusCode ? await ApiSession.JsonAsync(response) : null));
        }
        return reads;
    }

    /// <summary>
    /// Another connection (another process, a backup) takes SQLite's write lock for 20 ms every 60 ms until stopped:
    /// the portal's writes must wait for it and carry on.
    /// </summary>
    private async Task<int> InterfereAsync(CancellationToken stop)
    {
        var taken = 0;
        while (!stop.IsCancellationRequested)
        {
            await using (SqliteWriteLock.Take(data))
            {
                taken++;
                await Task.Delay(20, CancellationToken.None);
            }
            try { await Task.Delay(40, stop); } catch (OperationCanceledException) { break; }
        }
        return taken;
    }

    private async Task CreateWritersAsync()
    {
        await using var scope = app!.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        for (var w = 0; w < WriterCount; w++)
        {
            var user = new PortalUser { UserName = Writer(w), DisplayName = $"Writer {w}", CreatedAt = DateTime.UtcNow, LastPasswordChange = DateTime.UtcNow };
            Assert.True((await users.CreateAsync(user, WriterPassword)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, PortalRoles.Integrator)).Succeeded);
        }
    }

    private static string Writer(int w) => $"writer{w:D2}";

    private static int VersionOf(HttpResponseMessage response) => int.Parse(response.Headers.ETag!.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
}
