using System.Security.Claims;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Components.Account;

/// <summary>
/// Rechecks an open portal circuit's user at an interval: a disabled account, a changed password or
/// security stamp, a lost portal role, or a tab left idle longer than the session timeout ends the circuit's
/// authentication (the page then sends the browser to sign in).
/// </summary>
internal sealed class PortalAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> identityOptions,
        IOptions<PortalOptions> portalOptions,
        CircuitActivity activity)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => portalOptions.Value.SessionRevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
    {
        if (activity.IsIdle(portalOptions.Value.SessionIdleTimeout))
        {
            return false;
        }
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.GetUserAsync(state.User);
        if (user is null || !user.Enabled)
        {
            return false;
        }
        var principalStamp = state.User.FindFirstValue(identityOptions.Value.ClaimsIdentity.SecurityStampClaimType);
        if (principalStamp != await users.GetSecurityStampAsync(user))
        {
            return false;
        }
        return PortalRoles.MaySignInToPortal(await users.GetRolesAsync(user));
    }
}
