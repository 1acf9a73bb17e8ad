using CredentialPortal.Domain.Organisations;
using CredentialPortal.Domain.Users;

namespace CredentialPortal.Domain.Catalog;

/// <summary>The catalog entries of accounts (docs/design.md §3): people (<c>users</c>) and machine users.</summary>
public static class AccountCatalog
{
    /// <summary>People: local users may change displayName, email and password; AD-synchronised ones nothing.</summary>
    public static AccountType Users { get; } = AccountType.Of<UserSnapshot>("users", "User");

    /// <summary>Machine users as an organisation lists them; their one secret is the password.</summary>
    public static AccountType MachineUsers { get; } = AccountType.Of<OrgUserRow>("machineUsers", "Machine user");

    /// <summary>What a request to add a machine user may send.</summary>
    public static AccountType NewMachineUser { get; } = AccountType.Of<NewMachineUser>("machineUsers", "Machine user");

    /// <summary>Organisations (audit entity type and portal section).</summary>
    public const string Organisations = "orgs";

    /// <summary>The one secret property of an account.</summary>
    public const string Password = "password";

    /// <summary>
    /// The public flag that makes a password temporary: part of the password's state, so changing it needs the same
    /// permission as setting a password (the helpdesk's reset is temporary by default).
    /// </summary>
    public const string MustChangePassword = "mustChangePassword";

    /// <summary>The properties of a person that belong to their password (one permission: <see cref="Access.Permission.SetPasswords"/>).</summary>
    public static IReadOnlySet<string> PasswordProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { Password, MustChangePassword };
}
