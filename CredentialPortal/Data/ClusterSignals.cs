using System.Collections.Concurrent;
using Npgsql;

namespace CredentialPortal.Data;

/// <summary>
/// Tells the other portal instances over the same PostgreSQL database that something they may have cached changed
/// (an account's stamp, an entity's version, a lockout, the security settings), through LISTEN/NOTIFY. Each
/// instance applies its own changes directly; these signals only reach the others, within milliseconds. With SQLite
/// there is one instance and nothing is sent. If the listening connection drops, every cache is cleared wholesale,
/// because signals sent meanwhile are lost.
/// </summary>
public sealed class ClusterSignals(IConfiguration configuration, ILogger<ClusterSignals> logger) : BackgroundService
{
    private const string Channel = "credentialportal";
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (Action<string> OnSignal, Action OnMissedSignals)> topics = new();
    private readonly string instance = Guid.NewGuid().ToString("N")[..12];
    private NpgsqlDataSource? source;
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NpgsqlDataSource? Source =>
        source ??= DatabaseProvider.IsPostgres(configuration)
            ? NpgsqlDataSource.Create(configuration.GetConnectionString(DatabaseProvider.ConnectionStringName)!)
            : null;

    /// <summary>Completes once this instance is listening (at once with SQLite).</summary>
    public Task Listening => Source is null ? Task.CompletedTask : listening.Task;

    /// <summary>Registers what a cache does when another instance changes <paramref name="topic"/>.</summary>
    public void Subscribe(string topic, Action<string> onSignal, Action onMissedSignals) =>
        topics[topic] = (onSignal, onMissedSignals);

    /// <summary>Tells the other instances, after the change is committed. Best effort: a failure is logged, not thrown.</summary>
    public async Task PublishAsync(string topic, string payload, CancellationToken cancellationToken = default)
    {
        if (Source is not { } db) return;
        try
        {
            await using var command = db.CreateCommand("SELECT pg_notify($1, $2)");
            command.Parameters.Add(new NpgsqlParameter { Value = Channel });
            command.Parameters.Add(new NpgsqlParameter { Value = $"{instance}|{topic}|{payload}" });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Could not signal a {Topic} change to the other instances", topic);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Source is not { } db) return;
        var connectedBefore = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Dispatch(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                if (connectedBefore) MissedSignals();
                connectedBefore = true;
                listening.TrySetResult();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Lost the cluster signal connection; caches are cleared and it reconnects");
                MissedSignals();
                await Task.Delay(ReconnectDelay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public override void Dispose()
    {
        source?.Dispose();
        base.Dispose();
    }

    private void Dispatch(string message)
    {
        var parts = message.Split('|', 3);
        if (parts.Length != 3 || parts[0] == instance) return; // our own change is already applied here
        if (!topics.TryGetValue(parts[1], out var handlers)) return;
        try
        {
            handlers.OnSignal(parts[2]);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "A {Topic} signal could not be applied; that cache is cleared", parts[1]);
            handlers.OnMissedSignals();
        }
    }

    private void MissedSignals()
    {
        foreach (var (_, handlers) in topics) handlers.OnMissedSignals();
    }
}
