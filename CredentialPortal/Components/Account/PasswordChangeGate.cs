using System.Security.Claims;
using CredentialPortal.Domain.Users;

namespace CredentialPortal.Components.Account;

/// <summary>
/// A person signed in with a temporary password (or whose account has the flag) reaches nothing of the portal but the
/// change-password page and signing out until they chose a new one: every page request is sent there. The account's
/// current state comes from <see cref="AccountStamps"/> (cached; a change invalidates it at once).
/// </summary>
public static class PasswordChangeGate
{
    /// <summary>What stays reachable: the account pages themselves, the script and style files they need, health.</summary>
    private static readonly string[] Open = ["/account", "/_framework", "/_content", "/_blazor", "/css", "/js", "/images", "/healthz"];

    public static IApplicationBuilder UsePasswordChangeGate(this IApplicationBuilder app, string apiBasePath) =>
        app.UseWhen(http => !http.Request.Path.StartsWithSegments(apiBasePath), portal => portal.Use(async (http, next) =>
        {
            if (http.User.Identity?.IsAuthenticated == true
                && !Open.Any(prefix => http.Request.Path.StartsWithSegments(prefix))
                && !Path.HasExtension(http.Request.Path.Value)
                && int.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
                && await http.RequestServices.GetRequiredService<AccountStamps>().GetAsync(userId, http.RequestAborted) is { MustChangePassword: true })
            {
                http.Response.Redirect(AccountPaths.ChangePassword);
                return;
            }
            await next(http);
        }));
}
