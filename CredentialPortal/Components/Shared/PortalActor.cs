using System.Security.Claims;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using Microsoft.AspNetCore.Components.Authorization;

namespace CredentialPortal.Components.Shared;

/// <summary>
/// The signed-in person of this portal circuit as the domain's <see cref="Actor"/> (door UI, with their roles), and the
/// permission question pages ask to decide what to show. The domain refuses forbidden writes itself.
/// </summary>
public sealed class PortalActor(AuthenticationStateProvider authentication, IHttpContextAccessor http)
{
    // The address of the connection that opened this circuit (or the prerendering request).
    private readonly string? clientAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    public async Task<Actor> CurrentAsync()
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        var id = int.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var parsed) ? parsed : (int?)null;
        return new Actor(id, user.Identity?.Name ?? "anonymous", Door.UI, clientAddress, Guid.NewGuid().ToString("N")[..16])
        {
            Roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToArray(),
        };
    }

    /// <summary>
    /// Whether to show a control: do the person's roles hold the permission? (Organisation rules are the domain's: an
    /// org Admin without a portal role never reaches these pages.) The domain method the control calls decides again.
    /// </summary>
    public async Task<bool> MayAsync(Permission permission) => (await CurrentAsync()).Allows(permission);
}
