namespace CredentialPortal;

/// <summary>Settings under the <c>Portal</c> configuration section (README lists them).</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Password for the first <c>admin</c> account; generated and printed once when absent.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>Password for the demo role accounts; generated and printed once when absent.</summary>
    public string? DemoPassword { get; set; }

    /// <summary>Load the demo data set on an empty database (also <c>--seed-demo</c>).</summary>
    public bool SeedDemo { get; set; }

    /// <summary>Benchmark data: on an empty database, this many users and a tenth as many of each connector resource (also <c>--seed-scale N</c>).</summary>
    public int SeedScale { get; set; }

    /// <summary>PBKDF2-HMAC-SHA512 iterations for people's passwords. Tests lower it; production keeps 210,000.</summary>
    public int PasswordHashIterations { get; set; } = ProductionPasswordHashIterations;

    /// <summary>How often an open portal circuit rechecks that its user is still enabled and unchanged.</summary>
    public TimeSpan SessionRevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a temporary password (set by someone else with <c>mustChangePassword</c>) works before it expires unused.</summary>
    public TimeSpan TemporaryPasswordLifetime { get; set; } = TimeSpan.FromHours(72);

    /// <summary>
    /// The WebAuthn relying-party ID passkeys are bound to: the portal's host name as browsers reach it (e.g.
    /// <c>portal.example.com</c>). Unset, the host of each request is used. Changing it later orphans every passkey.
    /// </summary>
    public string? PasskeyServerDomain { get; set; }

    /// <summary>How long a sign-in or a step-up confirmation covers sensitive changes before the portal asks again.</summary>
    public TimeSpan StepUpWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Portal cookie lifetime without activity.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A portal tab hidden this long has its circuit paused (the server frees it, keeping only its persistent component
    /// state) and resumed without a reload when shown again. Zero keeps background circuits running.
    /// </summary>
    public TimeSpan BackgroundTabPauseAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>OWASP ASVS 5.0 minimum for PBKDF2-HMAC-SHA512.</summary>
    public const int ProductionPasswordHashIterations = 210_000;
}
