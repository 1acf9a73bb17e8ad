using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace CredentialPortal.Domain.Access;

/// <summary>The requirement behind each permission policy (<see cref="Permissions.Policy"/>).</summary>
public sealed class PermissionRequirement(Permission permission) : IAuthorizationRequirement
{
    public Permission Permission { get; } = permission;
}

/// <summary>
/// Decides a permission policy from the table. The roles are the caller's current ones where the API's account check
/// has read them (<see cref="CurrentRoles"/>), else the principal's role claims (the portal's cookie, revalidated).
/// A permission that organisations extend (an org Admin manages that org's machine users) passes here for any signed-in
/// caller: which organisation is meant is known only to the domain method, which decides and refuses with Forbidden.
/// </summary>
public sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        var rule = Permissions.Table[requirement.Permission];
        var roles = CurrentRoles.Of(context.Resource as HttpContext) ?? RolesOf(context.User);
        if (Permissions.Allows(requirement.Permission, roles) || rule.OrgScope != OrgScope.None || rule.OwnAccount)
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }

    internal static IReadOnlyList<string> RolesOf(ClaimsPrincipal user) =>
        user.Claims.Where(c => c.Type == ClaimTypes.Role).Select(c => c.Value).ToList();
}

/// <summary>The caller's roles as they are now, read once per request by the API's account check.</summary>
public static class CurrentRoles
{
    private const string Key = "CredentialPortal.CurrentRoles";

    public static IReadOnlyList<string>? Of(HttpContext? http) => http?.Items[Key] as IReadOnlyList<string>;

    public static void Set(HttpContext http, IReadOnlyList<string> roles) => http.Items[Key] = roles;
}
