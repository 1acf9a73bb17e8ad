namespace CredentialPortal.Domain.Audit;

/// <summary>Which front door a change came through.</summary>
public enum Door
{
    System,
    UI,
    API,
    CLI,
}

/// <summary>Who is acting, through which door and from where: every domain call that changes or verifies takes one.</summary>
public sealed record Actor(int? UserId, string Name, Door Door, string? ClientAddress = null, string? CorrelationId = null)
{
    /// <summary>
    /// The roles the actor holds now. Domain write methods decide with them (<c>Access.Permissions</c>), so a door
    /// that forgets a check still cannot do what the actor may not.
    /// </summary>
    public IReadOnlyCollection<string> Roles { get; init; } = [];

    public static Actor System { get; } = new(null, "system", Door.System);

    /// <summary>The key lockouts and verification counts are kept under.</summary>
    public string Key => UserId is { } id ? $"user:{id}" : $"name:{Name}";
}
