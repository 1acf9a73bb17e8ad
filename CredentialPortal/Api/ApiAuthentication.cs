using System.Security.Claims;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.TwoFactor;
using CredentialPortal.Domain.Users;
using CredentialPortal.Domain.Verification;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Api;

/// <summary>
/// Bearer tokens for the API with ASP.NET Core's built-in handler. Tokens are Data Protection payloads, so they survive
/// a restart and every instance over one database reads them (the key ring lives in the database, table
/// DataProtectionKeys, sealed with Portal:MasterKey). The portal's cookie is a different scheme and never opens the
/// API; API tokens are never accepted by the portal.
/// </summary>
public static class ApiAuthentication
{
    public const string Scheme = "ApiBearer";
    public const string Policy = "ApiCaller";

    public static IServiceCollection AddApiAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddBearerToken(Scheme);
        services.AddOptions<BearerTokenOptions>(Scheme).Configure<IOptions<ApiOptions>>((o, api) =>
        {
            o.BearerTokenExpiration = api.Value.AccessTokenLifetime;
            o.RefreshTokenExpiration = api.Value.RefreshTokenLifetime;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>
    /// Runs on every API request between authentication and authorization: the token's account must still exist, be
    /// enabled and carry the same security stamp (a password change or disabling revokes tokens at once), must not owe a
    /// new password or (its two-factor grace period over) an enrolment, and a caller locked out by failed verifications
    /// is refused. The account's current roles are what the permission policies then
    /// decide with (<see cref="CurrentRoles"/>). Both checks are served from memory.
    /// </summary>
    public static IApplicationBuilder UseCurrentApiAccount(this IApplicationBuilder app, string basePath) =>
        app.UseWhen(http => http.Request.Path.StartsWithSegments(basePath), api => api.Use(async (http, next) =>
        {
            var authenticated = await http.AuthenticateAsync(Scheme);
            if (!authenticated.Succeeded)
            {
                await next(http);
                return;
            }
            var principal = authenticated.Principal;
            var stamps = http.RequestServices.GetRequiredService<AccountStamps>();
            var identityOptions = http.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value;
            if (!int.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
                || await stamps.GetAsync(userId, http.RequestAborted) is not { Enabled: true } current
                || current.SecurityStamp != principal.FindFirstValue(identityOptions.ClaimsIdentity.SecurityStampClaimType))
            {
                http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                await ApiProblems.Unauthorized("The access token is no longer valid (the account changed or was disabled). Request a new one.").ExecuteAsync(http);
                return;
            }
            if (current.MustChangePassword)
            {
                await ApiProblems.PasswordChangeRequired().ExecuteAsync(http);
                return;
            }
            http.User = principal;
            CurrentRoles.Set(http, current.Roles);
            // A token issued within the two-factor grace period stops with it (docs/design.md §6.5).
            if ((await http.RequestServices.GetRequiredService<TwoFactorPolicy>().CheckInAsync(ApiCaller.Actor(http), userId, http.RequestAborted)).MustEnrolNow)
            {
                await ApiProblems.MfaEnrolmentRequired().ExecuteAsync(http);
                return;
            }
            var lockout = http.RequestServices.GetRequiredService<VerificationLockout>();
            if (lockout.IsLockedOut(ApiCaller.Actor(http).Key, out var until))
            {
                await ApiProblems.LockedOut(until, http.RequestServices.GetRequiredService<TimeProvider>(), http).ExecuteAsync(http);
                return;
            }
            await next(http);
        }));

    /// <summary>Issues an access token and a refresh token for an authenticated principal.</summary>
    internal static TokenResponse Issue(HttpContext http, ClaimsPrincipal principal)
    {
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(Scheme);
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        var now = clock.GetUtcNow();
        var access = new AuthenticationTicket(principal, new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + options.BearerTokenExpiration }, Scheme);
        var refresh = new AuthenticationTicket(principal, new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + options.RefreshTokenExpiration }, Scheme);
        return new TokenResponse(
            options.BearerTokenProtector.Protect(access),
            options.RefreshTokenProtector.Protect(refresh),
            "Bearer",
            (long)options.BearerTokenExpiration.TotalSeconds);
    }

    /// <summary>The principal inside a refresh token, if it is genuine and unexpired.</summary>
    internal static ClaimsPrincipal? ReadRefreshToken(HttpContext http, string token)
    {
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(Scheme);
        var ticket = options.RefreshTokenProtector.Unprotect(token);
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        return ticket?.Properties.ExpiresUtc is { } expires && expires > now ? ticket.Principal : null;
    }
}

/// <summary>The token answer, in the snake_case names the documented API uses.</summary>
public sealed record TokenResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("refresh_token")] string RefreshToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
    [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] long ExpiresIn);
