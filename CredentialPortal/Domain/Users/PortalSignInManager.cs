using CredentialPortal.Domain.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Domain.Users;

/// <summary>
/// The outcome of checking a login name and password: the account when it exists, and why it was refused. The why is
/// for the audit log only: a door answers every refusal alike (unknown name, wrong password, locked, disabled or
/// password-less account), so neither its words nor the lockout tell whether an account exists.
/// </summary>
public sealed record CredentialCheck(PortalUser? User, SignInResult Result, Actor Actor)
{
    public bool Succeeded => Result.Succeeded;

    /// <summary>The password was right but it was a temporary one past its expiry: the person must ask the helpdesk.</summary>
    public bool TemporaryPasswordExpired { get; init; }

    /// <summary>Signed in with a temporary password (or the flag set): a new password comes before anything else.</summary>
    public bool MustChangePassword => Succeeded && User is { MustChangePassword: true };

    /// <summary>What a door tells a person whose temporary password expired.</summary>
    public const string TemporaryPasswordExpiredMessage =
        "Your temporary password has expired. Ask the helpdesk to set a new one.";
}

/// <summary>Identity's sign-in rules plus ours: a disabled account cannot sign in, by any door.</summary>
public sealed class PortalSignInManager(
    UserManager<PortalUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<PortalUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<PortalUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PortalUser> confirmation,
    PeopleCredentials people,
    TwoFactor.TwoFactorSignIn twoFactor,
    TimeProvider clock)
    : SignInManager<PortalUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(PortalUser user) =>
        user.Enabled && await base.CanSignInAsync(user);

    /// <summary>
    /// Checks a login name and password for any door (portal form, token endpoint) with Identity's login lockout, the
    /// time of one password check spent on every path (unknown name, locked, disabled or password-less account alike),
    /// and an audit record of every refusal. A success is not recorded here: the door may still refuse (an API-only
    /// account at the portal); it calls <see cref="PeopleCredentials.RecordSignInAsync"/>.
    /// </summary>
    public async Task<CredentialCheck> CheckCredentialsAsync(string loginName, string password, Door door, string? clientAddress, string correlationId)
    {
        var user = await UserManager.FindByNameAsync(loginName);
        var actor = new Actor(user?.Id, user?.LoginName ?? loginName[..Math.Min(loginName.Length, 64)], door, clientAddress, correlationId);
        if (user is null)
        {
            people.SpendPasswordCheckTime(password);
            await people.RecordSignInAsync(actor, null, succeeded: false, "unknown login name");
            return new(null, SignInResult.Failed, actor);
        }
        SignInResult result;
        if (await PreSignInCheck(user) is { } refused)
        {
            // Identity refuses a locked or disabled account without hashing anything: hash anyway, so the answer takes
            // as long as a wrong password's.
            people.SpendPasswordCheckTime(password);
            result = refused;
        }
        else
        {
            // No stored password (an Active Directory account) is refused unhashed too.
            if (user.PasswordHash is null) people.SpendPasswordCheckTime(password);
            result = await CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
            if (result.IsLockedOut)
            {
                // This wrong password was the one that set the lockout (it was not in force before the check).
                await people.RecordSignInLockoutAsync(actor, user.Id, user.LockoutEnd);
            }
        }
        if (result.Succeeded && user.MustChangePassword && user.TemporaryPasswordExpiresAt is { } expires && expires <= clock.GetUtcNow().UtcDateTime)
        {
            // Only the right password learns that it expired; any other gets the one answer for every refusal.
            await RecordRefusalAsync(actor, user.Id, "temporary password expired");
            return new(user, SignInResult.NotAllowed, actor) { TemporaryPasswordExpired = true };
        }
        if (!result.Succeeded)
        {
            await RecordRefusalAsync(actor, user.Id, result.IsLockedOut ? "account locked out" : result.IsNotAllowed ? "account disabled" : "wrong password");
        }
        return new(user, result, actor);
    }

    /// <summary>
    /// The second step for a person with two-factor whose password was right: an authenticator code (accepted once) or
    /// a recovery code. A wrong or replayed code counts toward the same sign-in lockout as a wrong password, and is audited.
    /// </summary>
    public async Task<TwoFactor.CodeCheck> CheckSecondFactorAsync(CredentialCheck check, string code)
    {
        var user = check.User!;
        var taken = await twoFactor.CheckCodeAsync(check.Actor, user.Id, code);
        if (taken is TwoFactor.CodeCheck.Accepted or TwoFactor.CodeCheck.RecoveryCodeAccepted)
        {
            await UserManager.ResetAccessFailedCountAsync(user);
            return taken;
        }
        await UserManager.AccessFailedAsync(user);
        if (await UserManager.IsLockedOutAsync(user))
        {
            await people.RecordSignInLockoutAsync(check.Actor, user.Id, await UserManager.GetLockoutEndDateAsync(user));
        }
        await RecordRefusalAsync(check.Actor, user.Id, taken == TwoFactor.CodeCheck.Replayed ? "two-factor code already used" : "wrong two-factor code");
        return taken;
    }

    /// <summary>
    /// Signs in with a passkey and no user name (docs/design.md §6.9): Identity checks the browser's assertion against the
    /// challenge it issued and the stored public key; then the same rules as a password apply (a disabled or locked
    /// account is refused, every refusal audited). Success updates the passkey's signature counter; the door signs in.
    /// </summary>
    public async Task<CredentialCheck> CheckPasskeyAsync(string credentialJson, Door door, string? clientAddress, string correlationId)
    {
        var assertion = await AssertPasskeyAsync(credentialJson);
        if (!assertion.Succeeded)
        {
            var anonymous = new Actor(null, "(passkey)", door, clientAddress, correlationId);
            Logger.LogWarning("Passkey sign-in through {Door} refused: {Reason}", door, assertion.Failure.Message);
            await people.RecordSignInAsync(anonymous, null, succeeded: false, "passkey refused");
            return new(null, SignInResult.Failed, anonymous);
        }
        var user = assertion.User;
        var actor = new Actor(user.Id, user.LoginName, door, clientAddress, correlationId);
        if (await PreSignInCheck(user) is { } refused)
        {
            await RecordRefusalAsync(actor, user.Id, refused.IsLockedOut ? "account locked out" : "account disabled");
            return new(user, refused, actor);
        }
        await UserManager.AddOrUpdatePasskeyAsync(user, assertion.Passkey);
        await UserManager.ResetAccessFailedCountAsync(user);
        return new(user, SignInResult.Success, actor);
    }

    /// <summary>
    /// Identity's check of the browser's assertion against the challenge it issued in this browser. No challenge under way
    /// (it expired or was used) is the same refusal as a wrong answer, not an error.
    /// </summary>
    public async Task<PasskeyAssertionResult<PortalUser>> AssertPasskeyAsync(string credentialJson)
    {
        try
        {
            return await PerformPasskeyAssertionAsync(credentialJson);
        }
        catch (InvalidOperationException)
        {
            return PasskeyAssertionResult.Fail<PortalUser>(new PasskeyException("No passkey challenge is under way."));
        }
    }

    /// <summary>Every portal sign-in (and its refresh after a password change) stamps its time: a fresh sign-in counts as a step-up.</summary>
    public override Task SignInWithClaimsAsync(PortalUser user, AuthenticationProperties? authenticationProperties, IEnumerable<System.Security.Claims.Claim> additionalClaims) =>
        base.SignInWithClaimsAsync(user, authenticationProperties, additionalClaims.Where(c => c.Type != StepUp.SignInTimeClaim)
            .Append(new System.Security.Claims.Claim(StepUp.SignInTimeClaim, clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))));

    /// <summary>Every refused sign-in of a known account: a warning in the log and an audit record, with the reason and never the secret.</summary>
    private async Task RecordRefusalAsync(Actor actor, int userId, string reason)
    {
        Logger.LogWarning("Sign-in through {Door} refused for account {UserId}: {Reason}", actor.Door, userId, reason);
        await people.RecordSignInAsync(actor, userId, succeeded: false, reason);
    }

    /// <summary>
    /// Does this account sign in with a second factor? Ours is the two-factor state (the authenticator lives in
    /// <see cref="TwoFactor.TwoFactorSignIn"/>, not in Identity's token store): so Identity's password check also knows
    /// it, and a right password does not reset the failed count that wrong codes are building up.
    /// </summary>
    public override Task<bool> IsTwoFactorEnabledAsync(PortalUser user) => twoFactor.IsEnabledAsync(user.Id);
}
