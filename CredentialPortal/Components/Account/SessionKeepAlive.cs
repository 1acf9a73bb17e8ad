namespace CredentialPortal.Components.Account;

/// <summary>
/// <c>GET /account/keepalive</c>: a person working in an open tab sends no HTTP requests (everything travels over the
/// circuit), so the sliding session cookie would lapse under them. portal.js calls this on their clicks and keys,
/// throttled to <see cref="RenewEvery"/>; the cookie handler renews the cookie when half its lifetime has passed.
/// </summary>
public static class SessionKeepAlive
{
    public const string Path = "/account/keepalive";

    /// <summary>How often, at most, the browser renews: a quarter of the idle timeout, between 1 s and 5 minutes.</summary>
    public static TimeSpan RenewEvery(TimeSpan idleTimeout) =>
        TimeSpan.FromSeconds(Math.Clamp(idleTimeout.TotalSeconds / 4, 1, 300));

    public static IEndpointRouteBuilder MapSessionKeepAlive(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, (HttpContext http) =>
            http.User.Identity?.IsAuthenticated == true ? Results.NoContent() : Results.Unauthorized())
            .AllowAnonymous() // answers 401 itself instead of redirecting a script's request to the sign-in page
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return endpoints;
    }
}
