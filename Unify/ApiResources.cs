namespace Unify;

/// <summary>
/// One REST resource of the portal's catalog as unify addresses it: the API's name (the URL segment), the columns a
/// table shows, and how verify sends the value. The one list of resources in unify: commands, completion and help
/// read it.
/// </summary>
public sealed record ApiResource(string Name, IReadOnlyList<string> Columns, string? OnlySecret = null)
{
    /// <summary>Users have one secret (their password) and verify takes it as the raw request body.</summary>
    public bool VerifiesRawText => OnlySecret is not null;

    /// <summary>Connector resources have types (amazon_s3, ldap…) to filter by; users have none.</summary>
    public bool HasTypes => OnlySecret is null;
}

public static class ApiResources
{
    public static IReadOnlyList<ApiResource> All { get; } =
    [
        new("adSyncProfiles", ["id", "type", "description", "enabled"]),
        new("storageTargets", ["id", "type", "name"]),
        new("importSources", ["id", "type", "name"]),
        new("users", ["id", "loginName", "displayName", "source", "enabled", "lastPasswordChange"], OnlySecret: "password"),
    ];

    public static IEnumerable<string> Names => All.Select(r => r.Name);

    public static ApiResource Find(string name) =>
        All.FirstOrDefault(r => r.Name == name)
        ?? throw new CliException(ExitCodes.Usage, $"'{name}' is not a resource. Resources: {string.Join(", ", Names)}.");
}
