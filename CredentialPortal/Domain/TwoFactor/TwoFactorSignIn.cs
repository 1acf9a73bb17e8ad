using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using OtpNet;

namespace CredentialPortal.Domain.TwoFactor;

/// <summary>A key to enrol in an authenticator app: the text to type, and the otpauth URI a QR code carries.</summary>
public sealed record AuthenticatorSetup(string Key, string Uri);

/// <summary>How a second-factor code was taken.</summary>
public enum CodeCheck
{
    /// <summary>A current authenticator code, not used before.</summary>
    Accepted,
    /// <summary>One of the person's recovery codes, now used up.</summary>
    RecoveryCodeAccepted,
    /// <summary>A right authenticator code that was already accepted once (OWASP ASVS 6.5.1).</summary>
    Replayed,
    /// <summary>Neither a current code nor an unused recovery code.</summary>
    Wrong,
}

/// <summary>
/// Two-factor sign-in with an authenticator app (TOTP, 30-second steps, six digits, one step of clock drift either
/// way) and ten recovery codes. The key is stored encrypted (Data Protection, bound to the person); recovery codes only
/// as hashes; no code, key or recovery code is logged or audited. Every door that signs a person in asks
/// <see cref="CheckCodeAsync"/> after the password.
/// </summary>
public sealed class TwoFactorSignIn(
    IDbContextFactory<PortalDbContext> contexts, IDataProtectionProvider protection, AuditTrail audit, AccountStamps stamps, TimeProvider clock)
{
    public const string Issuer = "CredentialPortal";
    public const int RecoveryCodeCount = 10;
    private const int Step = 30;

    private readonly IDataProtector root = protection.CreateProtector("CredentialPortal.TwoFactor.v1");

    private IDataProtector For(int userId) => root.CreateProtector("authenticator", userId.ToString(CultureInfo.InvariantCulture));

    private static string Key(int userId) => userId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Does this person sign in with a second factor — an authenticator app or a passkey? The one answer every door and
    /// rule asks (sign-in steps, the token endpoint, the two-factor policy), kept as <c>PortalUser.TwoFactorEnabled</c>.
    /// </summary>
    public async Task<bool> IsEnabledAsync(int userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Users.AnyAsync(u => u.Id == userId && u.TwoFactorEnabled, cancellationToken);
    }

    /// <summary>Has this person a confirmed authenticator app (so a six-digit code or a recovery code can be asked of them)?</summary>
    public async Task<bool> HasAuthenticatorAsync(int userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AuthenticatorEnrolments.AnyAsync(e => e.UserId == userId && e.ConfirmedAt != null, cancellationToken);
    }

    /// <summary>
    /// Starts enrolling the signed-in person's authenticator: a new key, kept unconfirmed until a first code from the
    /// app (<see cref="ConfirmAsync"/>). Refused while one is confirmed: remove it first.
    /// </summary>
    public async Task<DomainResult<AuthenticatorSetup>> BeginAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        if (actor.UserId is not { } id) return DomainResult<AuthenticatorSetup>.Forbidden("Sign in to enrol an authenticator.");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return DomainResult<AuthenticatorSetup>.NotFound($"User '{id}'");
        var existing = await db.AuthenticatorEnrolments.FirstOrDefaultAsync(e => e.UserId == id, cancellationToken);
        if (existing?.ConfirmedAt is not null) return DomainResult<AuthenticatorSetup>.Conflict("An authenticator is already enrolled: remove it before enrolling another.");
        var secret = KeyGeneration.GenerateRandomKey(20);
        var key = Base32Encoding.ToString(secret);
        CryptographicOperations.ZeroMemory(secret);
        if (existing is null)
        {
            db.AuthenticatorEnrolments.Add(new AuthenticatorEnrolment { UserId = id, ProtectedKey = For(id).Protect(key), CreatedAt = clock.GetUtcNow().UtcDateTime });
        }
        else
        {
            existing.ProtectedKey = For(id).Protect(key);
            existing.CreatedAt = clock.GetUtcNow().UtcDateTime;
            existing.LastAcceptedStep = 0;
        }
        await db.SaveChangesAsync(cancellationToken);
        var label = Uri.EscapeDataString($"{Issuer}:{user.LoginName}");
        return DomainResult<AuthenticatorSetup>.Ok(new(key, $"otpauth://totp/{label}?secret={key}&issuer={Issuer}&digits=6&period={Step}"));
    }

    /// <summary>
    /// Confirms the enrolment with a first code from the app: two-factor is on from now, and the ten recovery codes are
    /// returned — the only time anyone sees them.
    /// </summary>
    public async Task<DomainResult<IReadOnlyList<string>>> ConfirmAsync(Actor actor, string code, CancellationToken cancellationToken = default)
    {
        if (actor.UserId is not { } id) return DomainResult<IReadOnlyList<string>>.Forbidden("Sign in to enrol an authenticator.");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var enrolment = await db.AuthenticatorEnrolments.FirstOrDefaultAsync(e => e.UserId == id && e.ConfirmedAt == null, cancellationToken);
        if (enrolment is null) return DomainResult<IReadOnlyList<string>>.Conflict("Start the enrolment first: there is no new key to confirm.");
        if (MatchingStep(enrolment, code) is not { } step)
        {
            return DomainResult<IReadOnlyList<string>>.Invalid(new DomainErrors().Add("code", "That code is not the app's current one. Check the phone's clock and type the code shown now.", "wrong_code"));
        }
        var user = await db.Users.FirstAsync(u => u.Id == id, cancellationToken);
        enrolment.ConfirmedAt = clock.GetUtcNow().UtcDateTime;
        enrolment.LastAcceptedStep = step;
        user.TwoFactorEnabled = true;
        TwoFactorPolicy.Lift(user); // a second factor: no grace period runs any more
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        var codes = NewRecoveryCodes(db, id);
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.TwoFactorEnrolled, "users", Key(id), ["authenticator"],
            outcome: $"authenticator enrolled; {RecoveryCodeCount} recovery codes issued")], cancellationToken);
        stamps.Invalidate(id);
        return DomainResult<IReadOnlyList<string>>.Ok(codes);
    }

    /// <summary>
    /// Takes a second-factor code for a person whose password was right: an authenticator code (accepted once: its time
    /// step must be later than the last accepted one, moved forward by a conditional update so two instances cannot
    /// both accept it) or an unused recovery code. Replays and recovery codes are audited; wrong codes are the door's
    /// to count (Identity's sign-in lockout).
    /// </summary>
    public async Task<CodeCheck> CheckCodeAsync(Actor actor, int userId, string code, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var enrolment = await db.AuthenticatorEnrolments.AsNoTracking().FirstOrDefaultAsync(e => e.UserId == userId && e.ConfirmedAt != null, cancellationToken);
        if (enrolment is null) return CodeCheck.Wrong;
        if (MatchingStep(enrolment, code) is { } step)
        {
            var taken = await db.AuthenticatorEnrolments.Where(e => e.UserId == userId && e.LastAcceptedStep < step)
                .ExecuteUpdateAsync(set => set.SetProperty(e => e.LastAcceptedStep, step), cancellationToken);
            if (taken == 1) return CodeCheck.Accepted;
            await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.TwoFactorCodeReplayed, "users", Key(userId), outcome: "an authenticator code already used was refused")], cancellationToken);
            return CodeCheck.Replayed;
        }
        var hash = RecoveryHash(code);
        if (hash is null) return CodeCheck.Wrong;
        var now = clock.GetUtcNow().UtcDateTime;
        var used = await db.RecoveryCodes.Where(r => r.UserId == userId && r.CodeHash == hash && r.UsedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.UsedAt, now), cancellationToken);
        if (used != 1) return CodeCheck.Wrong;
        var left = await db.RecoveryCodes.CountAsync(r => r.UserId == userId && r.UsedAt == null, cancellationToken);
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.RecoveryCodeUsed, "users", Key(userId), outcome: $"a recovery code was used; {left} left")], cancellationToken);
        return CodeCheck.RecoveryCodeAccepted;
    }

    /// <summary>
    /// The person's own removal of their authenticator app (two-factor stays on while they have a passkey), or a reset by
    /// the helpdesk or an administrator after a lost phone (<see cref="Permission.ResetTwoFactor"/>): the authenticator,
    /// the recovery codes and every passkey go, and that person's sessions and tokens end.
    /// </summary>
    public async Task<DomainResult<bool>> RemoveAsync(Actor actor, int userId, CancellationToken cancellationToken = default)
    {
        var own = actor.UserId == userId;
        if (!own && actor.Refuse<bool>(Permission.ResetTwoFactor) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null) return DomainResult<bool>.NotFound($"User '{userId}'");
        var enrolment = await db.AuthenticatorEnrolments.FirstOrDefaultAsync(e => e.UserId == userId, cancellationToken);
        var passkeys = own ? [] : await db.UserPasskeys.Where(p => p.UserId == userId).ToListAsync(cancellationToken);
        if (enrolment is null && passkeys.Count == 0 && (own || !user.TwoFactorEnabled)) return DomainResult<bool>.Ok(false);
        if (enrolment is not null) db.AuthenticatorEnrolments.Remove(enrolment);
        db.RecoveryCodes.RemoveRange(await db.RecoveryCodes.Where(r => r.UserId == userId).ToListAsync(cancellationToken));
        db.UserPasskeys.RemoveRange(passkeys);
        user.TwoFactorEnabled = own && await db.UserPasskeys.AnyAsync(p => p.UserId == userId, cancellationToken);
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        if (!own) user.SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant(); // a reset ends their sessions and tokens
        var outcome = own
            ? user.TwoFactorEnabled ? "the person removed their authenticator app; their passkeys remain" : "the person turned two-factor off"
            : $"two-factor reset ({(enrolment is null ? "no authenticator" : "authenticator")}, {passkeys.Count} passkey(s) removed); the person's sessions and tokens ended";
        await audit.CommitAsync(db, [audit.Describe(actor, own ? AuditActions.TwoFactorRemoved : AuditActions.TwoFactorReset, "users", Key(userId),
            passkeys.Count > 0 ? ["authenticator", "passkey"] : ["authenticator"], outcome: outcome)], cancellationToken);
        stamps.Invalidate(userId);
        return DomainResult<bool>.Ok(true);
    }

    /// <summary>How many unused recovery codes the person has.</summary>
    public async Task<int> RecoveryCodesLeftAsync(int userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.RecoveryCodes.CountAsync(r => r.UserId == userId && r.UsedAt == null, cancellationToken);
    }

    /// <summary>The time step a six-digit code matches now (one step either way for clock drift), or null.</summary>
    private long? MatchingStep(AuthenticatorEnrolment enrolment, string code)
    {
        var digits = new string(code.Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (digits.Length != 6 || !digits.All(char.IsAsciiDigit)) return null;
        var secret = Base32Encoding.ToBytes(For(enrolment.UserId).Unprotect(enrolment.ProtectedKey));
        try
        {
            var totp = new Totp(secret, step: Step, mode: OtpHashMode.Sha1, totpSize: 6);
            return totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, digits, out var matched, new VerificationWindow(previous: 1, future: 1)) ? matched : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static List<string> NewRecoveryCodes(PortalDbContext db, int userId)
    {
        db.RecoveryCodes.RemoveRange(db.RecoveryCodes.Where(r => r.UserId == userId));
        var codes = new List<string>(RecoveryCodeCount);
        for (var i = 0; i < RecoveryCodeCount; i++)
        {
            // 16 base32 characters = 80 random bits, shown as four groups of four.
            var text = Base32Encoding.ToString(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant();
            var code = string.Join('-', Enumerable.Range(0, 4).Select(g => text.Substring(g * 4, 4)));
            codes.Add(code);
            db.RecoveryCodes.Add(new RecoveryCode { UserId = userId, CodeHash = RecoveryHash(code)! });
        }
        return codes;
    }

    /// <summary>The stored form of a recovery code, forgiving case, spaces and dashes; null when it cannot be one.</summary>
    private static string? RecoveryHash(string code)
    {
        var normal = new string(code.Where(char.IsAsciiLetterOrDigit).ToArray()).ToUpperInvariant();
        return normal.Length != 16 ? null : Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(normal)));
    }
}
