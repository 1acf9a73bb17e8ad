namespace CredentialPortal.Domain.ConnectionChecks;

/// <summary>What a connection check found. The wire writes these lower-case.</summary>
public enum ConnectionResult
{
    /// <summary>The target accepted the credential and the configured resource is there.</summary>
    Ok,
    /// <summary>The target refused the credential.</summary>
    Rejected,
    /// <summary>The target could not be reached: DNS, connect, TLS, host key or the timeout (the detail says which).</summary>
    Unreachable,
    /// <summary>The login succeeded but the configured resource (bucket, container, base DN, path) is wrong.</summary>
    Misconfigured,
    /// <summary>The portal cannot check this kind of connection (the detail says why).</summary>
    Unsupported,
}

public static class ConnectionResults
{
    public static string Wire(this ConnectionResult result) => result.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out ConnectionResult result) =>
        Enum.TryParse(text, ignoreCase: true, out result) && Enum.IsDefined(result) && text!.All(char.IsAsciiLetterLower);

    /// <summary>
    /// Failing in the list sense: the connection does not work as configured. The dashboard's failing connections and
    /// the lists' "all failing" filter are these results (unsupported is not failing: nothing was tried).
    /// </summary>
    public static IReadOnlyList<ConnectionResult> Failing { get; } = [ConnectionResult.Rejected, ConnectionResult.Unreachable, ConnectionResult.Misconfigured];

    /// <summary>Failing in the alerting sense: a state change into or out of these is an alert.</summary>
    public static bool IsFailure(this ConnectionResult result) => result is ConnectionResult.Rejected or ConnectionResult.Unreachable;
}

/// <summary>A check's finding: the result and one sentence that never contains a secret.</summary>
public sealed record ConnectionVerdict(ConnectionResult Result, string Detail)
{
    public static ConnectionVerdict Ok(string detail) => new(ConnectionResult.Ok, detail);
    public static ConnectionVerdict Rejected(string detail) => new(ConnectionResult.Rejected, detail);
    public static ConnectionVerdict Unreachable(string detail) => new(ConnectionResult.Unreachable, detail);
    public static ConnectionVerdict Misconfigured(string detail) => new(ConnectionResult.Misconfigured, detail);
    public static ConnectionVerdict Unsupported(string detail) => new(ConnectionResult.Unsupported, detail);
}

/// <summary>A finished check as it is stored and answered: result, detail, when and how long.</summary>
public sealed record ConnectionCheckOutcome(ConnectionResult Result, string Detail, DateTime CheckedAt, long DurationMs);

/// <summary>The last check of an entity as lists and GETs show it.</summary>
public sealed record LastCheck(ConnectionResult Result, DateTime CheckedAt);
