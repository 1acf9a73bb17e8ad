using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CredentialPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Audit;

/// <summary>The result of walking the audit chain.</summary>
public sealed record ChainVerification(bool Intact, long RecordsChecked, long? FirstBrokenSequence, string? Problem)
{
    public string Summary => Intact
        ? RecordsChecked == 0 ? "The audit log is empty." : $"Chain intact through record {RecordsChecked}."
        : $"Chain broken at record {FirstBrokenSequence}: {Problem}";
}

/// <summary>
/// Appends audit records as a hash chain, in the same transaction as the change they describe, and verifies the
/// chain. Appends are serialised (across instances too, with PostgreSQL) so each record links to the one committed
/// before it: no gaps, no forks.
/// </summary>
public sealed class AuditTrail(TimeProvider clock)
{
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>With the sinks' progress: commits refuse when fail-closed and a sink is behind, and wake the delivery.</summary>
    public AuditTrail(TimeProvider clock, Sinks.AuditSinkStates sinks) : this(clock) => this.sinks = sinks;

    private readonly Sinks.AuditSinkStates? sinks;

    private readonly DatabaseExclusion chain = new("audit-chain");
    private (long Sequence, string Hash)? head;

    /// <summary>A new, not yet chained record. Public changes carry old→new; secrets are named, never valued.</summary>
    public AuditRecord Describe(
        Actor actor,
        string action,
        string? entityType = null,
        string? entityId = null,
        IEnumerable<string>? properties = null,
        IReadOnlyDictionary<string, (object? Old, object? New)>? changes = null,
        string? outcome = null) =>
        new()
        {
            // Whole microseconds: what every engine stores (PostgreSQL keeps no more), so the hash survives the round trip.
            OccurredAt = TruncateToMicroseconds(clock.GetUtcNow().UtcDateTime),
            ActorId = actor.UserId,
            ActorName = actor.Name,
            Door = actor.Door,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Properties = properties is null ? null : string.Join(",", properties),
            Changes = changes is { Count: > 0 }
                ? JsonSerializer.Serialize(changes.ToDictionary(c => c.Key, c => new { old = c.Value.Old, @new = c.Value.New }))
                : null,
            Outcome = outcome,
            ClientAddress = actor.ClientAddress,
            CorrelationId = actor.CorrelationId,
            PreviousHash = "",
        };

    /// <summary>An account came into being (the first administrator, the demo data).</summary>
    public AuditRecord DescribeAccountCreated(Actor actor, Users.PortalUser user, string? role) =>
        Describe(actor, AuditActions.Create, Catalog.AccountCatalog.Users.Resource, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            role is null ? ["loginName", "displayName"] : ["loginName", "displayName", "roles"],
            new Dictionary<string, (object?, object?)>
            {
                ["loginName"] = (null, user.LoginName),
                ["displayName"] = (null, user.DisplayName),
                ["roles"] = (null, role),
            }.Where(c => c.Value.Item2 is not null).ToDictionary());

    /// <summary>
    /// Saves everything pending in <paramref name="db"/> together with <paramref name="records"/>, chained, in one
    /// SaveChanges (one transaction): the change and its audit record land together or not at all.
    /// </summary>
    public async Task CommitAsync(PortalDbContext db, IReadOnlyCollection<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        sinks?.ThrowIfFailClosed(records);
        await using var section = await chain.EnterAsync(db, cancellationToken: cancellationToken);
        // With a shared database another instance may have appended since: read the head under the lock.
        if (db.Database.IsNpgsql()) head = null;
        head ??= await LoadHeadAsync(db, cancellationToken);
        var (sequence, hash) = head.Value;
        foreach (var record in records)
        {
            record.Sequence = ++sequence;
            record.PreviousHash = hash;
            record.Hash = hash = ComputeHash(record);
            db.AuditRecords.Add(record);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await section.CommitAsync(cancellationToken);
        }
        catch
        {
            foreach (var record in records)
            {
                db.Entry(record).State = EntityState.Detached;
            }
            head = null; // another writer may have moved the chain on: reload next time
            throw;
        }
        head = (sequence, hash);
        sinks?.Appended(sequence);
    }

    /// <summary>
    /// For a change that must be saved before its records can be written (a new row's id, a removal a later query must
    /// see): <paramref name="change"/> saves and returns the records, and one transaction spans it and the records, on
    /// every engine. An existing transaction on <paramref name="db"/> is joined instead.
    /// </summary>
    public async Task CommitAsync(PortalDbContext db, Func<CancellationToken, Task<IReadOnlyCollection<AuditRecord>>> change, CancellationToken cancellationToken = default)
    {
        var owned = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var records = await change(cancellationToken);
            await CommitAsync(db, records, cancellationToken);
            if (owned is not null) await owned.CommitAsync(cancellationToken);
        }
        finally
        {
            if (owned is not null) await owned.DisposeAsync();
        }
    }

    /// <summary>Walks the whole chain in order; reports the first record whose content, link or position is wrong.</summary>
    public async Task<ChainVerification> VerifyChainAsync(PortalDbContext db, CancellationToken cancellationToken = default)
    {
        var expectedPrevious = GenesisHash;
        long expectedSequence = 1;
        await foreach (var record in db.AuditRecords.AsNoTracking().OrderBy(r => r.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (record.Sequence != expectedSequence)
            {
                return new(false, expectedSequence - 1, expectedSequence, $"record {expectedSequence} is missing.");
            }
            if (record.PreviousHash != expectedPrevious)
            {
                return new(false, expectedSequence - 1, record.Sequence, "it does not link to the record before it.");
            }
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(ComputeHash(record)), Encoding.ASCII.GetBytes(record.Hash)))
            {
                return new(false, expectedSequence - 1, record.Sequence, "its content does not match its hash.");
            }
            expectedPrevious = record.Hash;
            expectedSequence++;
        }
        return new(true, expectedSequence - 1, null, null);
    }

    private static DateTime TruncateToMicroseconds(DateTime t) => new(t.Ticks - t.Ticks % 10, t.Kind);

    internal static string ComputeHash(AuditRecord r) => AuditHash.Compute(r);

    private static async Task<(long, string)> LoadHeadAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var last = await db.AuditRecords.AsNoTracking().OrderByDescending(r => r.Sequence)
            .Select(r => new { r.Sequence, r.Hash }).FirstOrDefaultAsync(cancellationToken);
        return last is null ? (0, GenesisHash) : (last.Sequence, last.Hash);
    }
}
