using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Data.Seeding;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace CredentialPortal.Tests.Api;

/// <summary>
/// The real portal process is killed (SIGKILL) while PATCHes are in flight and started again over the same SQLite
/// file: what it had acknowledged is there, each entity is one write whole (never public fields of one and secrets of
/// another), the audit chain verifies, and every secret still decrypts.
/// </summary>
[Trait("Category", "Heavy"), Trait("Engine", "SqliteOnly")]
public sealed class CrashConsistencyTests(ITestOutputHelper output)
{
    private const int Writes = 100;
    private const int KillAtCommitted = 30;
    private const int BaselineWrite = 1000; // write 1000 + i gives entity i a known state before the storm

    /// <summary>Six types: one to three public fields and one or two secrets in every PATCH.</summary>
    private static readonly (EntityResource Resource, string Id)[] Entities =
    [
        (EntityCatalog.StorageTargets, "11"),
        (EntityCatalog.StorageTargets, "12"),
        (EntityCatalog.StorageTargets, "13"),
        (EntityCatalog.StorageTargets, "14"),
        (EntityCatalog.AdSyncProfiles, DemoData.SeedAdSyncProfileId.ToString("D").ToUpperInvariant()),
        (EntityCatalog.AdSyncProfiles, "8E2C4B9A-1F37-4D6E-A5C0-7B9D3E1F2A44"),
    ];

    private static int EntityOf(int write) => write % Entities.Length;

    [Fact]
    public async Task Killed_with_100_patches_in_flight_the_restarted_portal_keeps_every_acknowledged_patch_each_entity_whole_and_the_chain_intact()
    {
        using var data = new TestDataDirectory(postgres: false);
        var writes = new NumberedWrites(Guid.NewGuid().ToString("N")[..10]);
        var types = new EntityTypeDescriptor[Entities.Length];
        var baselineVersion = new int[Entities.Length];
        var acknowledged = new ConcurrentDictionary<int, int>(); // write → the version its 200 announced
        var otherAnswers = new ConcurrentBag<string>();
        var lostInFlight = 0;

        await using (var portal = await PortalProcess.StartAsync(data))
        {
            var admin = await ApiSession.SignInAsync(portal.Address, "admin", PortalAppFactory.AdminPassword);
            for (var i = 0; i < Entities.Length; i++)
            {
                var (resource, id) = Entities[i];
                types[i] = NumberedWrites.TypeOf(resource, await ApiSession.JsonAsync(await admin.GetAsync($"{resource.Name}/{id}")));
                var baseline = await admin.PatchAsync($"{resource.Name}/{id}", writes.Body(types[i], BaselineWrite + i));
                Assert.Equal(HttpStatusCode.OK, baseline.StatusCode);
                baselineVersion[i] = VersionOf(baseline);
            }

            // All 100 at once. The plug is pulled by the server's progress, not by the client's (whose continuations
            // may lag behind a fast server): once 30 of them have committed, as the audit chain in the file shows,
            // with the rest queued, running or committing.
            var killed = KillAfterCommitsAsync(portal, data, KillAtCommitted);
            await Task.WhenAll(Enumerable.Range(1, Writes).Select(async n =>
            {
                var (resource, id) = Entities[EntityOf(n)];
                try
                {
                    var response = await admin.PatchAsync($"{resource.Name}/{id}", writes.Body(types[EntityOf(n)], n));
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        otherAnswers.Add($"write {n}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        return;
                    }
                    acknowledged[n] = VersionOf(response);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref lostInFlight); // the answer died with the process: it may or may not have committed
                }
            }));
            await killed;
            Assert.True(portal.HasExited);
        }

        Assert.Empty(otherAnswers);
        Assert.True(!acknowledged.IsEmpty, "some writes should have been acknowledged before the kill");
        Assert.True(lostInFlight > 0, "the kill should have cut writes off in flight");

        await using var restarted = await PortalProcess.StartAsync(data);
        var session = await ApiSession.SignInAsync(restarted.Address, "admin", PortalAppFactory.AdminPassword);

        await using (var file = new SqliteConnection(DatabaseProvider.SqliteConnectionString(data.DatabasePath)))
        {
            await file.OpenAsync();
            await using var check = file.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", await check.ExecuteScalarAsync());
        }

        await using var db = OpenDatabase(data);
        var chain = await new AuditTrail(TimeProvider.System).VerifyChainAsync(db);
        Assert.True(chain.Intact, chain.Summary);
        Assert.Equal(await db.AuditRecords.CountAsync(), chain.RecordsChecked);

        var committedUnacknowledged = 0;
        for (var i = 0; i < Entities.Length; i++)
        {
            var (resource, id) = Entities[i];
            var type = types[i];
            var sent = Enumerable.Range(1, Writes).Where(n => EntityOf(n) == i).Append(BaselineWrite + i).ToList();

            // Commit order, from the audit chain: every change since the baseline, each with its secret rotation
            // right behind it in the same commit.
            var records = await db.AuditRecords.AsNoTracking()
                .Where(r => r.EntityType == resource.Name && r.EntityId == id && r.Action != AuditActions.Verification)
                .OrderBy(r => r.Sequence).ToListAsync();
            var baselineAt = records.FindIndex(r => r.Action == AuditActions.Update && NumberedWrites.WriteOf(type, r, sent) == BaselineWrite + i);
            Assert.True(baselineAt >= 0, $"{resource.Name}/{id}: the baseline write's record is missing");
            var committed = new List<int>();
            var since = records.Skip(baselineAt).ToList();
            for (var r = 0; r < since.Count; r += 2)
            {
                var update = since[r];
                var write = NumberedWrites.WriteOf(type, update, sent);
                Assert.True(update.Action == AuditActions.Update && write is not null, $"{resource.Name}/{id}: record {update.Sequence} is not one whole write: {update.Action} {update.Changes}");
                Assert.True(r + 1 < since.Count && since[r + 1] is { Action: AuditActions.SecretRotated } rotated && rotated.Sequence == update.Sequence + 1,
                    $"{resource.Name}/{id}: write {write}'s secret rotation is not in the commit of its public change (record {update.Sequence})");
                committed.Add(write!.Value);
            }
            committed.RemoveAt(0); // the baseline
            Assert.Equal(committed.Count, committed.Distinct().Count());

            // Every acknowledged write survived, at the version its answer announced.
            foreach (var (write, version) in acknowledged.Where(a => EntityOf(a.Key) == i))
            {
                var position = committed.IndexOf(write);
                Assert.True(position >= 0, $"{resource.Name}/{id}: acknowledged write {write} (version {version}) is lost. Committed: {string.Join(",", committed)}");
                Assert.Equal(baselineVersion[i] + position + 1, version);
            }

            committedUnacknowledged += committed.Count(n => !acknowledged.ContainsKey(n));

            // The entity is the last committed write, whole: every public field and every secret from that one write.
            var last = committed.Count > 0 ? committed[^1] : BaselineWrite + i;
            var response = await session.GetAsync($"{resource.Name}/{id}");
            var entity = await ApiSession.JsonAsync(response);
            Assert.True(NumberedWrites.Shows(type, entity, last),
                $"{resource.Name}/{id} should show write {last} whole but is {NumberedWrites.Describe(entity)} " +
                $"(fields of writes {string.Join(",", sent.Where(n => NumberedWrites.ShowsAnyOf(type, entity, n)))})");
            Assert.Equal(baselineVersion[i] + committed.Count, VersionOf(response));
            foreach (var secret in NumberedWrites.SecretsOf(type))
            {
                var verify = await session.PostAsync($"{resource.Name}/{id}/password/verify",
                    new JsonObject { ["property"] = secret, ["value"] = writes.Secret(secret, last) }.ToJsonString());
                Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
                Assert.True("true" == await verify.Content.ReadAsStringAsync(), $"{resource.Name}/{id}: {secret} is not write {last}'s value");
            }
        }
        output.WriteLine($"{acknowledged.Count} acknowledged, {lostInFlight} cut off by the kill ({committedUnacknowledged} of those had committed), " +
            $"{Writes - acknowledged.Count - lostInFlight} never answered otherwise");
    }

    /// <summary>Watches the audit chain in the file (each PATCH commits two records) and SIGKILLs the portal at once.</summary>
    private static Task KillAfterCommitsAsync(PortalProcess portal, TestDataDirectory data, int commits) => Task.Run(async () =>
    {
        await using var file = new SqliteConnection(DatabaseProvider.SqliteConnectionString(data.DatabasePath));
        await file.OpenAsync();
        await using var head = file.CreateCommand();
        head.CommandText = "SELECT max(\"Sequence\") FROM \"AuditLog\"";
        var start = (long)(await head.ExecuteScalarAsync())!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((long)(await head.ExecuteScalarAsync())! < start + 2 * commits)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the portal committed fewer than {commits} writes in a minute");
        }
        portal.Kill();
    });

    private static int VersionOf(HttpResponseMessage response) => int.Parse(response.Headers.ETag!.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);

    private static SqlitePortalDbContext OpenDatabase(TestDataDirectory data)
    {
        var options = new DbContextOptionsBuilder<SqlitePortalDbContext>();
        DatabaseProvider.UseSqlite(options, DatabaseProvider.SqliteConnectionString(data.DatabasePath));
        return new SqlitePortalDbContext(options.Options);
    }
}
