using System.Globalization;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.TwoFactor;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace CredentialPortal.Components.Account;

/// <summary>
/// The WebAuthn ceremonies' HTTP half (docs/design.md §6.9). The browser's script (portal.js) asks for options, lets the
/// authenticator answer, and posts the answer back; Identity keeps the challenge between the two requests in its
/// short-lived two-factor cookie, which is why these are HTTP endpoints rather than circuit calls. Every request carries
/// the page's antiforgery token.
/// </summary>
public static class PasskeyEndpoints
{
    public const string CreationOptionsPath = "/account/passkeys/creation-options";
    public const string RegisterPath = "/account/passkeys";
    public const string RequestOptionsPath = "/account/passkeys/request-options";
    public const string StepUpOptionsPath = "/account/passkeys/step-up/options";
    public const string StepUpPath = "/account/passkeys/step-up";

    public static IEndpointRouteBuilder MapPasskeyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Every ceremony request carries the page's antiforgery token: checked once here for all three.
        var passkeys = endpoints.MapGroup("").DisableAntiforgery().ExcludeFromDescription().AddEndpointFilter(async (context, next) =>
            await context.HttpContext.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context.HttpContext)
                ? await next(context)
                : Refused("The page's form token is missing or stale: reload the page."));
        passkeys.MapPost(CreationOptionsPath, CreationOptionsAsync).RequireAuthorization();
        passkeys.MapPost(RegisterPath, RegisterAsync).RequireAuthorization();
        passkeys.MapPost(RequestOptionsPath, RequestOptionsAsync).AllowAnonymous().RequireRateLimiting(Api.SignInRateLimit.Policy);
        passkeys.MapPost(StepUpOptionsPath, StepUpOptionsAsync).RequireAuthorization();
        passkeys.MapPost(StepUpPath, StepUpAsync).RequireAuthorization();
        return endpoints;
    }

    /// <summary>Options for <c>navigator.credentials.create()</c>: the signed-in person as the WebAuthn user, their existing passkeys excluded.</summary>
    private static async Task<IResult> CreationOptionsAsync(HttpContext http, PortalSignInManager signIn)
    {
        var user = await signIn.UserManager.GetUserAsync(http.User);
        if (user is null) return Results.Unauthorized();
        var json = await signIn.MakePasskeyCreationOptionsAsync(new()
        {
            Id = user.Id.ToString(CultureInfo.InvariantCulture),
            Name = user.LoginName,
            DisplayName = string.IsNullOrWhiteSpace(user.DisplayName) ? user.LoginName : user.DisplayName,
        });
        return Results.Content(json, "application/json");
    }

    /// <summary>The authenticator's answer: Identity verifies the attestation, the domain stores and audits the passkey under its name.</summary>
    private static async Task<IResult> RegisterAsync(HttpContext http, PortalSignInManager signIn, Passkeys passkeys)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var credential = form["credential"].ToString();
        if (string.IsNullOrEmpty(credential)) return Refused("The browser sent no passkey.");
        PasskeyAttestationResult attestation;
        try
        {
            attestation = await signIn.PerformPasskeyAttestationAsync(credential);
        }
        catch (InvalidOperationException)
        {
            return Refused("The passkey request expired: try again.");
        }
        if (!attestation.Succeeded) return Refused($"The passkey could not be added: {attestation.Failure.Message}");
        var user = await signIn.UserManager.GetUserAsync(http.User);
        if (user is null) return Results.Unauthorized();
        if (attestation.UserEntity.Id != user.Id.ToString(CultureInfo.InvariantCulture)) return Refused("The passkey was made for another account.");
        var actor = new Actor(user.Id, user.LoginName, Door.UI, http.Connection.RemoteIpAddress?.ToString(), http.TraceIdentifier);
        var added = await passkeys.AddAsync(actor, attestation.Passkey, form["name"].ToString(), http.RequestAborted);
        return added.Succeeded
            ? Results.Ok(new { id = added.Value!.Id, name = added.Value.Name })
            : Refused(added.Messages is [var why, ..] ? why : "The passkey could not be added.");
    }

    /// <summary>Options for <c>navigator.credentials.get()</c> with no user: the authenticator offers the passkeys it holds for this portal.</summary>
    private static async Task<IResult> RequestOptionsAsync(HttpContext http, PortalSignInManager signIn)
    {
        return Results.Content(await signIn.MakePasskeyRequestOptionsAsync(null), "application/json");
    }

    /// <summary>Options for a step-up with a passkey: only the signed-in person's own passkeys are asked for.</summary>
    private static async Task<IResult> StepUpOptionsAsync(HttpContext http, PortalSignInManager signIn)
    {
        var user = await signIn.UserManager.GetUserAsync(http.User);
        if (user is null) return Results.Unauthorized();
        return Results.Content(await signIn.MakePasskeyRequestOptionsAsync(user), "application/json");
    }

    /// <summary>
    /// The authenticator's answer to a step-up: Identity verifies it, the domain's <see cref="StepUp"/> checks whose it is,
    /// audits it and answers with a receipt the tab hands back to its circuit (docs/design.md §6.9).
    /// </summary>
    private static async Task<IResult> StepUpAsync(HttpContext http, PortalSignInManager signIn, StepUp stepUp)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var credential = form["credential"].ToString();
        if (string.IsNullOrEmpty(credential)) return Refused("The browser sent no passkey.");
        if (!Enum.TryParse<SensitiveChange>(form["change"].ToString(), ignoreCase: false, out var change) || !Enum.IsDefined(change)) return Refused("Unknown change.");
        var user = await signIn.UserManager.GetUserAsync(http.User);
        if (user is null) return Results.Unauthorized();
        var assertion = await signIn.AssertPasskeyAsync(credential);
        if (!assertion.Succeeded) signIn.Logger.LogWarning("Passkey step-up refused for account {UserId}: {Reason}", user.Id, assertion.Failure.Message);
        var actor = new Actor(user.Id, user.LoginName, Door.UI, http.Connection.RemoteIpAddress?.ToString(), http.TraceIdentifier);
        var confirmed = await stepUp.ConfirmWithPasskeyAsync(actor, change, assertion, http.RequestAborted);
        return confirmed.Succeeded
            ? Results.Ok(new { receipt = confirmed.Value })
            : Refused(confirmed.Messages is [var why, ..] ? why : "Not confirmed.");
    }

    /// <summary>A refusal the script shows as it is: one sentence, never a secret.</summary>
    private static IResult Refused(string message) => Results.BadRequest(new { error = message });
}
