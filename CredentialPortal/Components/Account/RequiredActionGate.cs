using System.Security.Claims;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.TwoFactor;
using CredentialPortal.Domain.Users;

namespace CredentialPortal.Components.Account;

/// <summary>
/// What a signed-in person must do before anything else of the portal opens to them (Keycloak's "required actions"),
/// the first due of: choosing a new password (a temporary password, or the flag set: docs/design.md §6.2), then
/// enrolling a second factor once their two-factor grace period is over (§6.5). Every page request is sent to that
/// action's page; only it, the pages it needs, signing out and the script and style files stay reachable. The account's
/// state comes from <see cref="AccountStamps"/> (cached; a change invalidates it at once). Inside an open portal tab,
/// where following a link makes no request, the layout's <c>TwoFactorGate</c> holds the enrolment the same way.
/// </summary>
public static class RequiredActionGate
{
    /// <summary>Script, style and image files, the circuit's own connection, health: never a page.</summary>
    private static readonly string[] Assets = ["/_framework", "/_content", "/_blazor", "/css", "/js", "/images", "/healthz"];

    /// <summary>A required action: where it is done, and what stays open meanwhile.</summary>
    private sealed record RequiredAction(string Destination, string[] Open);

    /// <summary>The change of password: every account page stays open (it is one of them).</summary>
    private static readonly RequiredAction ChangePassword = new(AccountPaths.ChangePassword, ["/account"]);

    /// <summary>The enrolment of a second factor: the account security page (and its passkey ceremony), signing in and out, nothing else.</summary>
    private static readonly RequiredAction EnrolSecondFactor = new(AccountPaths.Security,
        [AccountPaths.Security, PasskeyEndpoints.RegisterPath, AccountPaths.Login, AccountPaths.Logout, SessionKeepAlive.Path]);

    /// <summary>May a person who must enrol a second factor now open <paramref name="path"/>?</summary>
    public static bool OpenWhileEnrolmentIsDue(PathString path) => EnrolSecondFactor.Open.Any(prefix => path.StartsWithSegments(prefix));

    public static IApplicationBuilder UseRequiredActionGate(this IApplicationBuilder app, string apiBasePath) =>
        app.UseWhen(http => !http.Request.Path.StartsWithSegments(apiBasePath), portal => portal.Use(async (http, next) =>
        {
            if (http.User.Identity?.IsAuthenticated == true
                && !Assets.Any(prefix => http.Request.Path.StartsWithSegments(prefix))
                && !Path.HasExtension(http.Request.Path.Value)
                && int.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
                && await DueAsync(http, userId) is { } due
                && !due.Open.Any(prefix => http.Request.Path.StartsWithSegments(prefix)))
            {
                http.Response.Redirect(due.Destination);
                return;
            }
            await next(http);
        }));

    /// <summary>The first action due for this account, if any. Asking the two-factor policy also starts a grace period found to apply.</summary>
    private static async Task<RequiredAction?> DueAsync(HttpContext http, int userId)
    {
        var stamp = await http.RequestServices.GetRequiredService<AccountStamps>().GetAsync(userId, http.RequestAborted);
        if (stamp is null) return null;
        if (stamp.MustChangePassword) return ChangePassword;
        var actor = new Actor(userId, http.User.Identity?.Name ?? "", Door.UI, http.Connection.RemoteIpAddress?.ToString(), http.TraceIdentifier);
        var twoFactor = await http.RequestServices.GetRequiredService<TwoFactorPolicy>().CheckInAsync(actor, userId, http.RequestAborted);
        return twoFactor.MustEnrolNow ? EnrolSecondFactor : null;
    }
}
