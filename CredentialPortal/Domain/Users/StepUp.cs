using CredentialPortal.Data;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.TwoFactor;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Domain.Users;

/// <summary>What a step-up is asked for (docs/design.md §6.9): the changes that decide who can do what.</summary>
public enum SensitiveChange
{
    SecuritySettings,
    Roles,
    TwoFactor,
    Lockout,
}

/// <summary>
/// Step-up (OWASP ASVS 7.5.1, docs/design.md §6.9): before a sensitive change the signed-in person confirms it is them —
/// with their password, a current code from their authenticator app, or one of their passkeys — unless they signed in or confirmed within
/// <see cref="PortalOptions.StepUpWindow"/>. A wrong answer counts toward the same sign-in lockout as a wrong password,
/// and every confirmation and refusal is audited (<c>step-up</c>), never with what was typed.
/// </summary>
public sealed class StepUp(IServiceScopeFactory scopes, TwoFactorSignIn twoFactor, IDbContextFactory<PortalDbContext> contexts, AuditTrail audit,
    IOptions<PortalOptions> options, TimeProvider clock, IDataProtectionProvider protection)
{
    /// <summary>
    /// How long a passkey confirmation made over HTTP may take to reach the tab that asked for it: the WebAuthn ceremony
    /// needs the browser's cookies, so it runs beside the circuit and hands the tab a sealed receipt (docs/design.md §6.9).
    /// </summary>
    public static readonly TimeSpan PasskeyReceiptLifetime = TimeSpan.FromMinutes(1);

    private readonly IDataProtector receipts = protection.CreateProtector("CredentialPortal.StepUp.PasskeyReceipt");

    /// <summary>The claim a sign-in stamps with its time (Unix seconds): a fresh sign-in is a fresh confirmation.</summary>
    public const string SignInTimeClaim = "auth_time";

    public TimeSpan Window => options.Value.StepUpWindow;

    /// <summary>Is a confirmation at <paramref name="confirmedAt"/> still good now?</summary>
    public bool IsFresh(DateTimeOffset? confirmedAt) => confirmedAt is { } at && clock.GetUtcNow() - at < Window;

    /// <summary>Checks the person's password or authenticator code for <paramref name="change"/>; the time of a success is the new confirmation.</summary>
    public async Task<DomainResult<DateTimeOffset>> ConfirmAsync(Actor actor, SensitiveChange change, string? secret, CancellationToken cancellationToken = default)
    {
        if (actor.UserId is not { } id) return DomainResult<DateTimeOffset>.Forbidden("Sign in first.");
        if (string.IsNullOrEmpty(secret))
        {
            return DomainResult<DateTimeOffset>.Invalid(new DomainErrors().Add("secret", "Type your password, or a code from your authenticator app.", "required"));
        }
        return await AnswerAsync(actor, id, change, async (users, user) =>
        {
            if (user.PasswordHash is not null && await users.CheckPasswordAsync(user, secret)) return "the password";
            // A person without an authenticator has no code to take: CheckCodeAsync answers Wrong without one.
            return await twoFactor.CheckCodeAsync(actor, id, secret, cancellationToken) is CodeCheck.Accepted or CodeCheck.RecoveryCodeAccepted ? "the authenticator code" : null;
        }, "wrong password or code", new DomainErrors().Add("secret", "That is not your password or a current code. Try again.", "wrong"), cancellationToken);
    }

    /// <summary>
    /// Checks a passkey assertion Identity has verified against the challenge it issued for the signed-in person: it must
    /// be one of their own passkeys. Audited like the other answers (a refusal counts toward the lockout); a success
    /// updates the passkey's signature counter and answers with a receipt for <see cref="RedeemPasskeyReceipt"/>.
    /// </summary>
    public async Task<DomainResult<string>> ConfirmWithPasskeyAsync(Actor actor, SensitiveChange change, PasskeyAssertionResult<PortalUser> assertion, CancellationToken cancellationToken = default)
    {
        if (actor.UserId is not { } id) return DomainResult<string>.Forbidden("Sign in first.");
        var confirmed = await AnswerAsync(actor, id, change, async (users, user) =>
        {
            if (!assertion.Succeeded || assertion.User.Id != id) return null;
            await users.AddOrUpdatePasskeyAsync(user, assertion.Passkey);
            return "a passkey";
        }, "passkey not accepted", new DomainErrors().Add("passkey", "That passkey was not accepted. Try again, or type your password.", "wrong"), cancellationToken);
        if (!confirmed.Succeeded) return confirmed.Refusal<string>();
        return DomainResult<string>.Ok(receipts.Protect(string.Join('|', id.ToString(System.Globalization.CultureInfo.InvariantCulture), change.ToString(),
            confirmed.Value.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    /// <summary>
    /// What every answer shares: the person must be enabled and not locked out; <paramref name="check"/> says how they
    /// confirmed (null: it was wrong, which counts toward the sign-in lockout); each answer is audited. A success's time
    /// is the new confirmation.
    /// </summary>
    private async Task<DomainResult<DateTimeOffset>> AnswerAsync(Actor actor, int id, SensitiveChange change,
        Func<UserManager<PortalUser>, PortalUser, Task<string?>> check, string refusal, DomainErrors wrong, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (user is null || !user.Enabled) return DomainResult<DateTimeOffset>.Forbidden("This account may not make changes.");
        if (await users.IsLockedOutAsync(user))
        {
            await RecordAsync(actor, id, change, "refused: the account is locked out", cancellationToken);
            return DomainResult<DateTimeOffset>.Forbidden("Too many wrong answers: the account is locked for a while.");
        }
        if (await check(users, user) is not { } how)
        {
            await users.AccessFailedAsync(user);
            await RecordAsync(actor, id, change, $"refused: {refusal}", cancellationToken);
            return DomainResult<DateTimeOffset>.Invalid(wrong);
        }
        await users.ResetAccessFailedCountAsync(user);
        await RecordAsync(actor, id, change, $"confirmed with {how}", cancellationToken);
        return DomainResult<DateTimeOffset>.Ok(clock.GetUtcNow());
    }

    /// <summary>
    /// The time of the passkey confirmation a receipt stands for, when it is this person's, for this change, and fresh;
    /// otherwise null. A receipt only ever vouches for what its holder already proved within the last minute.
    /// </summary>
    public DateTimeOffset? RedeemPasskeyReceipt(Actor actor, SensitiveChange change, string? receipt)
    {
        if (actor.UserId is not { } id || string.IsNullOrEmpty(receipt)) return null;
        string[] parts;
        try
        {
            parts = receipts.Unprotect(receipt).Split('|');
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
        if (parts.Length != 3 || parts[0] != id.ToString(System.Globalization.CultureInfo.InvariantCulture) || parts[1] != change.ToString()
            || !long.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var milliseconds)) return null;
        var at = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        var age = clock.GetUtcNow() - at;
        return age >= TimeSpan.Zero && age < PasskeyReceiptLifetime ? at : null;
    }

    private async Task RecordAsync(Actor actor, int userId, SensitiveChange change, string outcome, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.StepUp, "users", userId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            outcome: $"{outcome} (before a change of {Describe(change)})")], cancellationToken);
    }

    public static string Describe(SensitiveChange change) => change switch
    {
        SensitiveChange.SecuritySettings => "security settings",
        SensitiveChange.Roles => "roles",
        SensitiveChange.TwoFactor => "two-factor sign-in",
        _ => "a lockout",
    };
}
