using System.Globalization;
using System.Text;
using CredentialPortal.Data;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Verification;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Audit;

/// <summary>Filters for the change history (portal grid, CSV export, an entity's own history).</summary>
public sealed record AuditQuery(
    string? Actor = null,
    string? EntityType = null,
    string? EntityId = null,
    Door? Door = null,
    string? Action = null,
    DateTime? FromUtc = null,
    DateTime? ToUtc = null,
    string? Family = null,
    string? EntityName = null);

/// <summary>One record of a page, with its entity's name and page (resolved for the whole page at once).</summary>
public sealed record AuditRow(AuditRecord Record, EntityLabel? Entity);

/// <summary>How many records matching the filters were written on one UTC day.</summary>
public sealed record AuditDayCount(DateTime Day, int Count);

/// <summary>Filters for verification attempts.</summary>
public sealed record VerificationQuery(string? Actor = null, VerificationResult? Result = null, DateTime? FromUtc = null, DateTime? ToUtc = null);

/// <summary>Reading the audit log and verification attempts: pages newest first, and CSV export of a filtered set.</summary>
public sealed class AuditQueries(IDbContextFactory<PortalDbContext> contexts, AuditTrail trail)
{
    public const int MaxExportRows = 100_000;

    public async Task<(IReadOnlyList<AuditRecord> Items, int Total)> ListAsync(AuditQuery query, int offset, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var filtered = Filter(db, db.AuditRecords.AsNoTracking(), query);
        var total = await filtered.CountAsync(cancellationToken);
        var items = await filtered.OrderByDescending(r => r.Sequence).Skip(Math.Max(0, offset)).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(cancellationToken);
        return (items, total);
    }

    /// <summary>
    /// A page of records, newest first, each with its entity's name: three queries whatever the page size (the count,
    /// the page, and the page's entity names).
    /// </summary>
    public async Task<(IReadOnlyList<AuditRow> Items, int Total)> PageAsync(AuditQuery query, int offset, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var filtered = Filter(db, db.AuditRecords.AsNoTracking(), query);
        var total = await filtered.CountAsync(cancellationToken);
        var items = await filtered.OrderByDescending(r => r.Sequence).Skip(Math.Max(0, offset)).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(cancellationToken);
        var labels = await EntityNames.LabelsAsync(db, items.Where(r => r.EntityType is not null && r.EntityId is not null)
            .Select(r => new EntityReference(r.EntityType!, r.EntityId!)), cancellationToken);
        return (items.Select(r => new AuditRow(r, r.EntityType is not null && r.EntityId is not null ? labels[new(r.EntityType, r.EntityId)] : null)).ToList(), total);
    }

    /// <summary>How many records match the filters per UTC day, counted by the database in one query: the latest <paramref name="days"/> days that have any, oldest first.</summary>
    public async Task<IReadOnlyList<AuditDayCount>> CountPerDayAsync(AuditQuery query, int days = 31, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var counts = await Filter(db, db.AuditRecords.AsNoTracking(), query)
            .GroupBy(r => r.OccurredAt.Date)
            .Select(g => new { Day = g.Key, Count = g.Count() })
            .OrderByDescending(d => d.Day).Take(Math.Clamp(days, 1, 366))
            .ToListAsync(cancellationToken);
        return counts.OrderBy(d => d.Day).Select(d => new AuditDayCount(DateTime.SpecifyKind(d.Day, DateTimeKind.Utc), d.Count)).ToList();
    }

    public async Task<(IReadOnlyList<VerificationAttempt> Items, int Total)> ListVerificationsAsync(VerificationQuery query, int offset, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        IQueryable<VerificationAttempt> attempts = db.VerificationAttempts.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            attempts = attempts.WhereAnyContains(db, query.Actor, a => a.ActorName);
        }
        if (query.Result is { } result) attempts = attempts.Where(a => a.Result == result);
        if (query.FromUtc is { } from) attempts = attempts.Where(a => a.At >= from);
        if (query.ToUtc is { } to) attempts = attempts.Where(a => a.At < to);
        var total = await attempts.CountAsync(cancellationToken);
        var items = await attempts.OrderByDescending(a => a.Id).Skip(Math.Max(0, offset)).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(cancellationToken);
        return (items, total);
    }

    public async Task<ChainVerification> VerifyChainAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await trail.VerifyChainAsync(db, cancellationToken);
    }

    /// <summary>The filtered records as CSV (oldest first), with spreadsheet formulas neutralised.</summary>
    public async Task<string> ExportCsvAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var csv = new StringBuilder();
        csv.AppendLine("sequence,occurredAtUtc,actor,door,action,entityType,entityId,properties,changes,outcome,clientAddress,correlationId,hash");
        await foreach (var r in Filter(db, db.AuditRecords.AsNoTracking(), query).OrderBy(r => r.Sequence).Take(MaxExportRows).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            csv.AppendJoin(',', new[]
            {
                r.Sequence.ToString(CultureInfo.InvariantCulture), r.OccurredAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                r.ActorName, r.Door.ToString(), r.Action, r.EntityType, r.EntityId, r.Properties, r.Changes, r.Outcome, r.ClientAddress, r.CorrelationId, r.Hash,
            }.Select(CsvCell)).AppendLine();
        }
        return csv.ToString();
    }

    /// <summary>
    /// One CSV cell: quoted when needed, and a leading <c>= + - @</c>, tab or carriage return is prefixed with an
    /// apostrophe so a spreadsheet shows text instead of running a formula (OWASP CSV injection).
    /// </summary>
    public static string CsvCell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    private static IQueryable<AuditRecord> Filter(PortalDbContext db, IQueryable<AuditRecord> records, AuditQuery query)
    {
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            records = records.WhereAnyContains(db, query.Actor, r => r.ActorName);
        }
        if (!string.IsNullOrWhiteSpace(query.EntityType)) records = records.Where(r => r.EntityType == query.EntityType);
        if (!string.IsNullOrWhiteSpace(query.EntityId)) records = records.Where(r => r.EntityId == query.EntityId);
        if (query.Door is { } door) records = records.Where(r => r.Door == door);
        if (!string.IsNullOrWhiteSpace(query.Action)) records = records.Where(r => r.Action == query.Action);
        if (AuditActionFamilies.Find(query.Family) is { } family)
        {
            var actions = family.Actions.ToList();
            var types = family.EntityTypes.ToList();
            records = records.Where(r => actions.Contains(r.Action) || (r.EntityType != null && types.Contains(r.EntityType)));
        }
        if (!string.IsNullOrWhiteSpace(query.EntityName))
        {
            // Records whose entity is named so now: a subquery over the named tables, in the same statement.
            var named = EntityNames.Matching(db, query.EntityName.Trim());
            var machineUsers = ResourceIndex.MachineUsers.Name;
            var users = ResourceIndex.Users.Name;
            var settings = ResourceIndex.Settings.Name;
            var settingsNamed = EntityNames.SettingsLabel.Contains(query.EntityName.Trim(), StringComparison.OrdinalIgnoreCase);
            records = records.Where(r => (settingsNamed && r.EntityType == settings)
                || named.Any(n => n.Table == (r.EntityType == machineUsers ? users : r.EntityType) && n.Key == r.EntityId));
        }
        if (query.FromUtc is { } from) records = records.Where(r => r.OccurredAt >= from);
        if (query.ToUtc is { } to) records = records.Where(r => r.OccurredAt < to);
        return records;
    }
}
