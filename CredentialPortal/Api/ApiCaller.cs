using System.Security.Claims;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;

namespace CredentialPortal.Api;

/// <summary>Who is calling the API, as the domain's <see cref="Actor"/>, and which roles the token carries.</summary>
public static class ApiCaller
{
    /// <summary>The CLI identifies itself with this header so its changes are audited with door=CLI.</summary>
    public const string ClientHeader = "X-Credential-Client";

    public static Actor Actor(HttpContext http)
    {
        var user = http.User;
        var id = int.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var parsed) ? parsed : (int?)null;
        var door = string.Equals(http.Request.Headers[ClientHeader], "unify", StringComparison.OrdinalIgnoreCase) ? Door.CLI : Door.API;
        return new Actor(id, user.Identity?.Name ?? "anonymous", door, http.Connection.RemoteIpAddress?.ToString(), http.TraceIdentifier)
        {
            Roles = Roles(http),
        };
    }

    /// <summary>The caller's roles as they are now (set by the account check), not as they were when the token was issued.</summary>
    public static IReadOnlyList<string> Roles(HttpContext http) => CurrentRoles.Of(http) ?? [];
}
