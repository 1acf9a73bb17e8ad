using CredentialPortal.Domain.Access;
using Microsoft.AspNetCore.Authorization;

namespace CredentialPortal.Components.Shared;

/// <summary>A page's permission, as the policy the permission table registered (<see cref="Permissions.Policy"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class RequirePermissionAttribute(Permission permission) : AuthorizeAttribute(Permissions.Policy(permission))
{
    public Permission Permission { get; } = permission;
}
