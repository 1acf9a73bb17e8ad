using System.Collections.Concurrent;
using CredentialPortal.Domain.Access;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Domain.Audit.Sinks;

/// <summary>What one sink reports in /healthz and Settings. Never its key.</summary>
public sealed record AuditSinkState(string Name, string Type, string Endpoint, long LastDeliveredSeq, long Backlog, string? LastError, DateTime? LastErrorAt, DateTime? LastDeliveredAt);

/// <summary>Writes are refused while a sink is too far behind (<c>Audit:FailClosed</c>), the way Vault refuses what it cannot audit.</summary>
public sealed class AuditUnavailableException(string sinkName, long backlog, long limit)
    : Exception($"Audit sink '{sinkName}' is {backlog} records behind (limit {limit}); changes are refused until it catches up.")
{
    public const string Code = "AUDIT_SINK_BEHIND";
    public string SinkName { get; } = sinkName;
}

/// <summary>
/// Each configured sink's progress, kept in memory by the delivery service and the audit trail (no query on a read),
/// and the wake-up each sink's delivery waits on after a commit.
/// </summary>
public sealed class AuditSinkStates
{
    private readonly AuditOptions options;
    private readonly ConcurrentDictionary<string, Progress> progress = new(StringComparer.Ordinal);
    private long head;

    public AuditSinkStates(IOptions<AuditOptions> options)
    {
        this.options = options.Value;
        if (this.options.Problems() is { Count: > 0 } problems)
        {
            throw new PortalRefusedException("The audit sink settings cannot be used:\n  " + string.Join("\n  ", problems));
        }
        for (var i = 0; i < this.options.Sinks.Count; i++)
        {
            var sink = this.options.Sinks[i];
            progress[sink.DisplayName(i)] = new Progress(sink);
        }
    }

    public bool AnyConfigured => !progress.IsEmpty;

    public IEnumerable<(string Name, AuditSinkOptions Options)> Sinks => options.Sinks.Select((s, i) => (s.DisplayName(i), s));

    public IReadOnlyList<AuditSinkState> Snapshot()
    {
        var last = Interlocked.Read(ref head);
        return Sinks.Select(s =>
        {
            var p = progress[s.Name];
            lock (p)
            {
                return new AuditSinkState(s.Name, s.Options.Kind.ToString().ToLowerInvariant(), RedactedEndpoint(s.Options.Endpoint), p.Delivered,
                    Math.Max(0, last - p.Delivered), p.Error, p.ErrorAt, p.DeliveredAt);
            }
        }).ToList();
    }

    /// <summary>
    /// Called by the audit trail before it saves: refuses when fail-closed and a sink is over its limit. The portal's
    /// own start-up work (first administrator, demo data: the System door) is not refused, or it could never start.
    /// </summary>
    public void ThrowIfFailClosed(IEnumerable<AuditRecord> records)
    {
        if (!options.FailClosed || records.All(r => r.Door == Door.System)) return;
        var last = Interlocked.Read(ref head);
        foreach (var (name, p) in progress)
        {
            var backlog = last - Volatile.Read(ref p.Delivered);
            if (backlog > options.FailClosedBacklog) throw new AuditUnavailableException(name, backlog, options.FailClosedBacklog);
        }
    }

    /// <summary>The chain has grown to <paramref name="sequence"/>: wake every sink's delivery.</summary>
    public void Appended(long sequence)
    {
        RaiseHead(sequence);
        foreach (var p in progress.Values) p.Wake();
    }

    internal void RaiseHead(long sequence)
    {
        long seen;
        while ((seen = Interlocked.Read(ref head)) < sequence && Interlocked.CompareExchange(ref head, sequence, seen) != seen) { }
    }

    internal void Report(string name, AuditSinkCursor cursor)
    {
        var p = progress[name];
        lock (p)
        {
            Volatile.Write(ref p.Delivered, cursor.LastDeliveredSequence);
            p.DeliveredAt = cursor.LastDeliveredAt;
            p.Error = cursor.LastError;
            p.ErrorAt = cursor.LastErrorAt;
        }
    }

    internal Task WaitForAppendAsync(string name, TimeSpan timeout, CancellationToken cancellationToken) => progress[name].WaitAsync(timeout, cancellationToken);

    /// <summary>The address without user information or query (which could carry a token).</summary>
    private static string RedactedEndpoint(string? endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath.TrimEnd('/')}" : "";

    private sealed class Progress(AuditSinkOptions sink) : IDisposable
    {
        public void Dispose() => signal.Dispose();

        public readonly AuditSinkOptions Sink = sink;
        public long Delivered;
        public DateTime? DeliveredAt;
        public string? Error;
        public DateTime? ErrorAt;
        private readonly SemaphoreSlim signal = new(0, 1);

        public void Wake()
        {
            try { signal.Release(); }
            catch (SemaphoreFullException) { } // already awake
        }

        public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);
    }
}

/// <summary>"Send test event": a made-up record (sequence 0, action <c>sink-test</c>) straight to one sink, outside the chain.</summary>
public sealed class AuditSinkTest(AuditSinkStates states, TimeProvider clock)
{
    public const string Action = "sink-test";

    /// <summary>Null when the receiver took it, else what went wrong.</summary>
    public async Task<string?> SendAsync(string name, Actor actor, CancellationToken cancellationToken = default)
    {
        if (!actor.Allows(Permission.ManageSettings)) return Permissions.RefusalMessage(Permission.ManageSettings);
        var sink = states.Sinks.FirstOrDefault(s => s.Name == name);
        if (sink.Options is null) return $"There is no audit sink named '{name}'.";
        var record = new AuditRecord
        {
            Sequence = 0, OccurredAt = clock.GetUtcNow().UtcDateTime, ActorId = actor.UserId, ActorName = actor.Name, Door = actor.Door,
            Action = Action, Outcome = "test", ClientAddress = actor.ClientAddress, CorrelationId = actor.CorrelationId,
            PreviousHash = "", Hash = "",
        };
        try
        {
            if (sink.Options.Kind == AuditSinkKind.Syslog)
            {
                await SyslogSink.SendTestAsync(sink.Options, name, record, cancellationToken);
            }
            else
            {
                await using var webhook = AuditSink.Create(sink.Options, name);
                await webhook.SendAsync(record, cancellationToken);
            }
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }
}
