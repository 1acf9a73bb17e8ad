namespace CredentialPortal.Api;

/// <summary>Settings under <c>Api</c> (README lists them).</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Where the v1 REST API lives; the documented integrations call <c>/verba/restapi/v1</c>.</summary>
    public string BasePath { get; set; } = "/verba/restapi/v1";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Largest request body the API reads.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Sign-in attempts per client address (an IPv6 /64) per minute: <c>/auth/token</c> calls and posts of the portal's
    /// sign-in form share this one budget (<see cref="SignInRateLimit"/>).
    /// </summary>
    public int TokenRequestsPerMinute { get; set; } = 30;

    /// <summary>Verify calls per caller per minute (the lockout still applies within it).</summary>
    public int VerifyRequestsPerMinute { get; set; } = 120;
}
