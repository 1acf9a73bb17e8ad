using System.Text.Json.Nodes;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.TwoFactor;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CredentialPortal.Api;

/// <summary>
/// <c>POST /auth/token</c>: <c>{"client_id","client_secret"}</c> (JSON or form fields) signs in with a login name and
/// password, plus <c>"otp"</c> for an account with two-factor; <c>{"refresh_token"}</c> renews. Unknown names and
/// wrong passwords get the same 401. An account whose role must use two-factor and whose grace period ended without it
/// gets 403 <c>mfa_enrolment_required</c> (docs/design.md §6.5).
/// </summary>
public static class TokenEndpoints
{
    public static RouteGroupBuilder MapTokenEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/token", IssueAsync)
            .AllowAnonymous()
            .RequireRateLimiting(SignInRateLimit.Policy)
            .WithTags("Authentication")
            .WithName(OpenApiDocumentation.TokenOperationId)
            .WithSummary("Get an access token with a login name and password, or renew one with a refresh token.")
            .DisableAntiforgery();
        return api;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueAsync(
        HttpContext http, PortalSignInManager signIn, PeopleCredentials people, AccountStamps stamps, TwoFactorPolicy twoFactorPolicy, TwoFactorSignIn twoFactor)
    {
        var fields = await ReadFieldsAsync(http);
        if (fields.Problem is not null) return fields.Problem;
        var form = fields.Values!;

        if (form.TryGetValue("refresh_token", out var refreshToken) && !string.IsNullOrEmpty(refreshToken))
        {
            var principal = ApiAuthentication.ReadRefreshToken(http, refreshToken);
            var user = principal is null ? null : await signIn.ValidateSecurityStampAsync(principal);
            if (user is null || !user.Enabled)
            {
                return ApiProblems.Unauthorized("The refresh token is invalid or expired, or the account changed. Sign in again.");
            }
            if (user.MustChangePassword) return ApiProblems.PasswordChangeRequired();
            var renewing = new Actor(user.Id, user.LoginName, Door.API, http.Connection.RemoteIpAddress?.ToString(), http.TraceIdentifier);
            if ((await twoFactorPolicy.CheckInAsync(renewing, user.Id)).MustEnrolNow) return ApiProblems.MfaEnrolmentRequired();
            return TypedResults.Ok(ApiAuthentication.Issue(http, await signIn.CreateUserPrincipalAsync(user)));
        }

        form.TryGetValue("client_id", out var loginName);
        form.TryGetValue("client_secret", out var password);
        if (string.IsNullOrEmpty(loginName) || string.IsNullOrEmpty(password))
        {
            return ApiProblems.BadRequest("Send client_id and client_secret (or refresh_token), as JSON or form fields.");
        }

        var check = await signIn.CheckCredentialsAsync(loginName, password, Door.API, http.Connection.RemoteIpAddress?.ToString(), http.TraceIdentifier);
        if (check.TemporaryPasswordExpired) return ApiProblems.TemporaryPasswordExpired();
        if (check.Succeeded && await signIn.IsTwoFactorEnabledAsync(check.User!))
        {
            // Service accounts never enrol, so they never get here; a person with two-factor sends the code as "otp".
            if (!form.TryGetValue("otp", out var otp) || string.IsNullOrWhiteSpace(otp))
            {
                await people.RecordSignInAsync(check.Actor, check.User!.Id, succeeded: false, "two-factor code required");
                return ApiProblems.MfaRequired(passkeyOnly: !await twoFactor.HasAuthenticatorAsync(check.User!.Id));
            }
            if (await signIn.CheckSecondFactorAsync(check, otp) is not (CodeCheck.Accepted or CodeCheck.RecoveryCodeAccepted))
            {
                return ApiProblems.MfaInvalid();
            }
        }
        if (check.MustChangePassword)
        {
            await people.RecordSignInAsync(check.Actor, check.User!.Id, succeeded: false, "password change required");
            return ApiProblems.PasswordChangeRequired();
        }
        if (!check.Succeeded)
        {
            // One answer for every refusal (see CredentialCheck): a lockout must not tell that the name exists.
            return ApiProblems.Unauthorized("The client id or secret is incorrect, or the account may not sign in.");
        }
        var account = check.User!;
        stamps.Invalidate(account.Id); // a successful sign-in may have rehashed the password (new stamp)
        // A role that must use two-factor, without it: the grace period starts now if it has not; after it, no token.
        if ((await twoFactorPolicy.CheckInAsync(check.Actor, account.Id)).MustEnrolNow)
        {
            await people.RecordSignInAsync(check.Actor, account.Id, succeeded: false, "two-factor enrolment required");
            return ApiProblems.MfaEnrolmentRequired();
        }
        await people.RecordSignInAsync(check.Actor, account.Id, succeeded: true);
        return TypedResults.Ok(ApiAuthentication.Issue(http, await signIn.CreateUserPrincipalAsync(account)));
    }

    private static async Task<(Dictionary<string, string>? Values, ProblemHttpResult? Problem)> ReadFieldsAsync(HttpContext http)
    {
        if (http.Request.HasFormContentType)
        {
            // client_id, client_secret, otp, refresh_token, grant_type, scope, eid: a real client sends no more.
            var form = await ApiBody.ReadFormAsync(http, maxFields: 8);
            return (form.Value, (ProblemHttpResult?)form.Problem);
        }
        var body = await ApiBody.ReadObjectAsync(http, allowMergePatch: false);
        if (body.Problem is not null) return (null, (ProblemHttpResult)body.Problem);
        var values = new Dictionary<string, string>();
        foreach (var (key, node) in body.Value!)
        {
            if (node is JsonValue v && v.TryGetValue<string>(out var text)) values[key] = text;
            else if (node is not null) return (null, ApiProblems.BadRequest($"'{key}' must be a string."));
        }
        return (values, null);
    }
}
