using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.Domain;

public class AuditChainTests
{
    [Fact]
    public async Task Concurrent_changes_chain_without_gaps_and_the_chain_verifies()
    {
        using var host = new DomainHost();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.StorageTargets, (11 + i % 4).ToString(System.Globalization.CultureInfo.InvariantCulture),
                DomainHost.Patch($$"""{ "{{(i % 4 == 0 ? "secretAccessKey" : i % 4 == 1 ? "accountKey" : "password")}}": "value {{i}}" }"""))));

        await using var db = host.CreateDbContext();
        var sequences = await db.AuditRecords.OrderBy(r => r.Sequence).Select(r => r.Sequence).ToListAsync();
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
        var verification = await host.Audit.VerifyChainAsync(db);
        Assert.True(verification.Intact, verification.Summary);
        Assert.Equal(sequences.Count, verification.RecordsChecked);
        Assert.Equal($"Chain intact through record {sequences.Count}.", verification.Summary);
    }

    [Fact]
    public async Task Editing_one_row_directly_in_the_database_is_found()
    {
        using var host = new DomainHost();
        await using var db = host.CreateDbContext();
        var count = await db.AuditRecords.CountAsync();
        Assert.True(count > 5);
        await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditLog" SET "ActorName" = 'mallory' WHERE "Sequence" = 3""");

        var verification = await host.Audit.VerifyChainAsync(db);
        Assert.False(verification.Intact);
        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Equal(2, verification.RecordsChecked);
        Assert.Contains("record 3", verification.Summary);
    }

    [Fact]
    public async Task Deleting_a_row_or_recomputing_its_hash_is_found()
    {
        using var host = new DomainHost();
        await using var db = host.CreateDbContext();
        // A forger who recomputes the edited row's own hash still breaks the next link.
        var row = await db.AuditRecords.AsNoTracking().SingleAsync(r => r.Sequence == 4);
        row.ActorName = "mallory";
        var forged = AuditTrailHash(row);
        await db.Database.ExecuteSqlInterpolatedAsync($"""UPDATE "AuditLog" SET "ActorName" = 'mallory', "Hash" = {forged} WHERE "Sequence" = 4""");
        Assert.Equal(5, (await host.Audit.VerifyChainAsync(db)).FirstBrokenSequence);

        await db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditLog" WHERE "Sequence" = 2""");
        var verification = await host.Audit.VerifyChainAsync(db);
        Assert.Equal(2, verification.FirstBrokenSequence);
        Assert.Contains("missing", verification.Problem);
    }

    private static string AuditTrailHash(AuditRecord record) =>
        (string)typeof(AuditTrail).GetMethod("ComputeHash", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .Invoke(null, [record])!;
}
