using CredentialPortal.Domain.Access;

namespace CredentialPortal.Api;

/// <summary>The permission an endpoint declares, as metadata: what the route-table test and the API document read.</summary>
public sealed record RequiredPermission(Permission Permission);

public static class EndpointPermissions
{
    /// <summary>
    /// Declares the endpoint's permission: its authorization policy (from <see cref="Permissions"/>) and the metadata
    /// naming it. Nothing in the handler body repeats the check.
    /// </summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, Permission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Permissions.Policy(permission)).WithMetadata(new RequiredPermission(permission));
}

/// <summary>
/// A refused permission policy on an API path answers a problem document that says which permission was missing, in
/// the API's words; everything else (the portal's redirects, challenges) is the platform's default.
/// </summary>
public sealed class ApiAuthorizationResultHandler : Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler
{
    private readonly Microsoft.AspNetCore.Authorization.Policy.AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, Microsoft.AspNetCore.Authorization.AuthorizationPolicy policy,
        Microsoft.AspNetCore.Authorization.Policy.PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.Request.Path.StartsWithSegments(ApiEndpoints.BasePathOf(context)))
        {
            var missing = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<PermissionRequirement>().FirstOrDefault();
            await ApiProblems.Forbidden(missing is null ? "Your role does not allow this operation." : Permissions.RefusalMessage(missing.Permission))
                .ExecuteAsync(context);
            return;
        }
        await fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}
