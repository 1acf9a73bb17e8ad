using System.Globalization;

namespace CredentialPortal.Domain.ConnectionChecks;

/// <summary>The <c>Portal:ConnectionChecks</c> settings (README "Connection checks").</summary>
public sealed class ConnectionCheckOptions
{
    public const string Section = "Portal:ConnectionChecks";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(6);
    private static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);

    /// <summary>How long one check may take; the portal abandons it then, whatever the client library does.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;
    public TimeSpan Interval { get; init; } = DefaultInterval;
    /// <summary>Per connector type (<c>ldap</c>, <c>sftp</c>…), overriding <see cref="Interval"/>.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Intervals { get; init; } = new Dictionary<string, TimeSpan>();
    /// <summary>Checks the schedule runs at once (per instance).</summary>
    public int Concurrency { get; init; } = 4;
    /// <summary>Each next check is moved by up to this fraction of its interval either way, so checks do not bunch.</summary>
    public double Jitter { get; init; } = 0.1;
    /// <summary>A PEM file of extra CA certificates every check trusts, beside the system store.</summary>
    public string? TrustedCaFile { get; init; }
    /// <summary>False turns the schedule off (on-demand checks still work).</summary>
    public bool ScheduleEnabled { get; init; } = true;

    public TimeSpan IntervalFor(string typeName) =>
        Intervals.TryGetValue(typeName, out var own) ? own : Interval;

    public static ConnectionCheckOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        TimeSpan Span(string key, TimeSpan fallback, TimeSpan minimum)
        {
            var text = section[key];
            if (string.IsNullOrWhiteSpace(text)) return fallback;
            if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) || value < minimum)
            {
                throw new InvalidOperationException($"{Section}:{key} must be a TimeSpan of at least {minimum} (e.g. 00:00:10); it is '{text}'.");
            }
            return value;
        }
        var intervals = section.GetSection("Intervals").GetChildren()
            .ToDictionary(c => c.Key, c => Span("Intervals:" + c.Key, DefaultInterval, Shortest), StringComparer.Ordinal);
        var concurrency = section.GetValue<int?>("Concurrency") ?? 4;
        if (concurrency < 1) throw new InvalidOperationException($"{Section}:Concurrency must be at least 1.");
        var jitter = section.GetValue<double?>("Jitter") ?? 0.1;
        if (jitter is < 0 or > 0.5) throw new InvalidOperationException($"{Section}:Jitter must be from 0 to 0.5.");
        var caFile = section["TrustedCaFile"];
        if (!string.IsNullOrWhiteSpace(caFile) && !File.Exists(caFile))
        {
            throw new InvalidOperationException($"{Section}:TrustedCaFile '{caFile}' does not exist.");
        }
        return new()
        {
            Timeout = Span("Timeout", DefaultTimeout, TimeSpan.FromMilliseconds(100)),
            Interval = Span("Interval", DefaultInterval, Shortest),
            Intervals = intervals,
            Concurrency = concurrency,
            Jitter = jitter,
            TrustedCaFile = string.IsNullOrWhiteSpace(caFile) ? null : caFile,
            ScheduleEnabled = section.GetValue<bool?>("ScheduleEnabled") ?? true,
        };
    }
}
