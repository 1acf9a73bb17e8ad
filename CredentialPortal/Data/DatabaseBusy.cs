using Microsoft.Data.Sqlite;

namespace CredentialPortal.Data;

/// <summary>
/// "The database is busy": SQLite could not take its write lock within <c>Portal:Database:BusyTimeout</c> because
/// another connection (another process, a backup, a long write) held it. The driver retries the statement until that
/// timeout; after it, the request gives up with nothing written (the transaction never began or is rolled back), and
/// the API answers 503 with Retry-After, the portal "busy, try again". Both ask here whether an exception is that case.
/// </summary>
public static class DatabaseBusy
{
    public const string TimeoutKey = "Portal:Database:BusyTimeout";

    /// <summary>
    /// Long enough to ride out another writer's normal commit (milliseconds) and a checkpoint; short enough that a
    /// request does not sit on a thread for half a minute (the driver's 30 s default) while the caller could retry.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private const int SqliteBusy = 5;    // SQLITE_BUSY: another connection holds the lock
    private const int SqliteLocked = 6;  // SQLITE_LOCKED: a conflict inside this process's shared cache

    public static TimeSpan Timeout(IConfiguration configuration)
    {
        var configured = configuration[TimeoutKey];
        if (string.IsNullOrEmpty(configured)) return DefaultTimeout;
        return TimeSpan.TryParse(configured, System.Globalization.CultureInfo.InvariantCulture, out var timeout) && timeout > TimeSpan.Zero
            ? timeout
            : throw new InvalidOperationException($"{TimeoutKey} is '{configured}'; give a positive time span such as 00:00:05.");
    }

    /// <summary>
    /// The driver counts its timeout in whole seconds, and 0 would mean "wait for ever": at least one second.
    /// </summary>
    public static int TimeoutSeconds(TimeSpan timeout) => Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));

    /// <summary>What Retry-After says: by then the other writer has usually finished.</summary>
    public static int RetryAfterSeconds(IConfiguration configuration) => TimeoutSeconds(Timeout(configuration));

    /// <summary>Is <paramref name="exception"/>, or what it wraps (EF's DbUpdateException), a lock that was not granted in time?</summary>
    public static bool IsBusy(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }) return true;
        }
        return false;
    }
}
