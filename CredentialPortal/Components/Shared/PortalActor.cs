using System.Security.Claims;
using CredentialPortal.Domain.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace CredentialPortal.Components.Shared;

/// <summary>
/// The signed-in person of this portal circuit as the domain's <see cref="Actor"/> (door UI), and the server-side
/// permission check every write handler makes before it calls the domain: hiding a button is not enough.
/// </summary>
public sealed class PortalActor(AuthenticationStateProvider authentication, IAuthorizationService authorization, IHttpContextAccessor http)
{
    // The address of the connection that opened this circuit (or the prerendering request).
    private readonly string? clientAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    public async Task<Actor> CurrentAsync()
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        var id = int.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var parsed) ? parsed : (int?)null;
        return new Actor(id, user.Identity?.Name ?? "anonymous", Door.UI, clientAddress, Guid.NewGuid().ToString("N")[..16]);
    }

    public async Task<bool> MayAsync(string policy)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        return (await authorization.AuthorizeAsync(user, policy)).Succeeded;
    }
}
