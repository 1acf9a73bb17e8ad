using CredentialPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Audit.Sinks;

/// <summary>
/// Delivers every committed audit record to each configured sink, in sequence order, at least once. The audit log is
/// the outbox: a record exists only if its change committed, in the same SaveChanges. Each sink has a cursor in the
/// database (<see cref="AuditSinkCursor"/>), moved after each record, so a sink that was down, a restart or a kill
/// resumes where it stopped. One step is one record under the sink's exclusion (with PostgreSQL an advisory lock,
/// so of several instances one sends each record).
/// </summary>
public sealed class AuditDelivery(
    IDbContextFactory<PortalDbContext> contexts,
    AuditSinkStates states,
    TimeProvider clock,
    ILogger<AuditDelivery> logger) : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ConfirmAfter = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly DatabaseExclusion exclusion = new("audit-sink");

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(states.Sinks.Select(s => Task.Run(() => DeliverAsync(s.Name, s.Options, stoppingToken), stoppingToken)));

    private async Task DeliverAsync(string name, AuditSinkOptions options, CancellationToken stoppingToken)
    {
        await using var sink = AuditSink.Create(options, name);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            Step step;
            try
            {
                step = await StepAsync(sink, stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                await sink.CloseAsync();
                failures++;
                // The message names the transport's problem (refused, reset, a certificate, an HTTP status), never a key.
                var error = $"{e.GetType().Name}: {e.Message}";
                if (error.Length > 500) error = error[..500];
                logger.LogWarning("Audit sink {Sink}: delivery failed ({Error}); retrying.", name, error);
                await RecordErrorAsync(name, error, stoppingToken);
                step = Step.Failed;
            }
            var wait = step switch
            {
                Step.Sent => TimeSpan.Zero,
                Step.AwaitingConfirmation => ConfirmAfter,
                Step.Idle => IdlePoll,
                _ => Backoff(failures),
            };
            if (wait == TimeSpan.Zero) continue;
            try
            {
                if (step == Step.Failed) await Task.Delay(wait, stoppingToken);
                else await states.WaitForAppendAsync(name, wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>1 s, 2 s, 4 s … up to 30 s between attempts while a sink keeps failing.</summary>
    public static TimeSpan Backoff(int failures) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Max(0, failures - 1))));

    private enum Step { Sent, AwaitingConfirmation, Idle, Failed }

    private async Task<Step> StepAsync(AuditSink sink, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var section = await exclusion.EnterAsync(db, sink.Name, cancellationToken);
        var cursor = await db.AuditSinkCursors.FirstOrDefaultAsync(c => c.Name == sink.Name, cancellationToken);
        if (cursor is null)
        {
            cursor = new AuditSinkCursor { Name = sink.Name };
            db.AuditSinkCursors.Add(cursor);
        }

        // What was written on a connection that is still open has reached the receiver; a connection that broke
        // takes its last record with it, which is therefore sent again (the one duplicate a break may cause).
        if (cursor.LastSentSequence > cursor.LastDeliveredSequence && sink.IsConnected)
        {
            Delivered(cursor, cursor.LastSentSequence);
        }
        else if (!sink.IsConnected)
        {
            await sink.CloseAsync();
        }

        var next = await db.AuditRecords.AsNoTracking().Where(r => r.Sequence > cursor.LastDeliveredSequence)
            .OrderBy(r => r.Sequence).FirstOrDefaultAsync(cancellationToken);
        var head = next is null ? cursor.LastDeliveredSequence
            : await db.AuditRecords.MaxAsync(r => r.Sequence, cancellationToken);
        states.RaiseHead(head);
        if (next is null)
        {
            await SaveAsync(db, section, cursor, cancellationToken);
            return cursor.LastSentSequence > cursor.LastDeliveredSequence ? Step.AwaitingConfirmation : Step.Idle;
        }

        await sink.SendAsync(next, cancellationToken);
        cursor.LastSentSequence = next.Sequence;
        if (sink.AcknowledgesEachRecord) Delivered(cursor, next.Sequence);
        cursor.LastError = null;
        cursor.LastErrorAt = null;
        await SaveAsync(db, section, cursor, cancellationToken);
        return Step.Sent;
    }

    private void Delivered(AuditSinkCursor cursor, long sequence)
    {
        cursor.LastDeliveredSequence = sequence;
        cursor.LastDeliveredAt = clock.GetUtcNow().UtcDateTime;
    }

    private async Task SaveAsync(PortalDbContext db, DatabaseExclusion.Section section, AuditSinkCursor cursor, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        await section.CommitAsync(cancellationToken);
        states.Report(cursor.Name, cursor);
    }

    private async Task RecordErrorAsync(string name, string error, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await using var section = await exclusion.EnterAsync(db, name, cancellationToken);
            var cursor = await db.AuditSinkCursors.FirstOrDefaultAsync(c => c.Name == name, cancellationToken);
            if (cursor is null)
            {
                cursor = new AuditSinkCursor { Name = name };
                db.AuditSinkCursors.Add(cursor);
            }
            cursor.LastError = error;
            cursor.LastErrorAt = clock.GetUtcNow().UtcDateTime;
            await SaveAsync(db, section, cursor, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Audit sink {Sink}: could not record its error ({Error}).", name, e.Message);
        }
    }
}
