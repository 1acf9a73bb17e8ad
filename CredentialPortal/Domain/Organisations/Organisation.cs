namespace CredentialPortal.Domain.Organisations;

/// <summary>An organisation (the CLI's <c>--org</c>): people and machine users belong to it with a role.</summary>
public sealed class Organisation
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A role inside one organisation: Admin or Contributor (docs/design.md §2.2).</summary>
public enum OrgRole
{
    Contributor = 0,
    Admin = 1,
}

/// <summary>A user's membership of an organisation.</summary>
public sealed class OrgMembership
{
    public int OrgId { get; set; }
    public int UserId { get; set; }
    public OrgRole Role { get; set; }
}
