namespace CredentialPortal.Domain.ConnectionChecks;

/// <summary>
/// A connector list's filter by each entity's last connection check: one result, every failing result, or never
/// checked. The list query applies it in the database (see <see cref="Catalog.EntityResource.Query"/>).
/// </summary>
public sealed record ConnectionCheckFilter
{
    private ConnectionCheckFilter(string value, string label, IReadOnlyList<ConnectionResult> results)
    {
        Value = value;
        Label = label;
        Results = results;
    }

    /// <summary>What a URL or a form sends: a result's wire name, <c>failing</c> or <c>never</c>.</summary>
    public string Value { get; }
    public string Label { get; }
    /// <summary>The last results that match; empty for "never checked".</summary>
    public IReadOnlyList<ConnectionResult> Results { get; }
    public bool NeverChecked => Results.Count == 0;

    public static ConnectionCheckFilter AllFailing { get; } = new("failing", "all failing", ConnectionResults.Failing);
    public static ConnectionCheckFilter Never { get; } = new("never", "never checked", []);

    /// <summary>Every filter a list offers, in the order it offers them.</summary>
    public static IReadOnlyList<ConnectionCheckFilter> All { get; } =
        [AllFailing, .. Enum.GetValues<ConnectionResult>().Select(r => new ConnectionCheckFilter(r.Wire(), r.Wire(), [r])), Never];

    /// <summary>The filter a value names; null for an empty or unknown value (no filter).</summary>
    public static ConnectionCheckFilter? Find(string? value) => All.FirstOrDefault(f => f.Value == value);
}
