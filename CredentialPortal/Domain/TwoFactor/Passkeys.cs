using System.Buffers.Text;
using System.Globalization;
using CredentialPortal.Data;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.TwoFactor;

/// <summary>A person's passkey as their account security page lists it: never its key material.</summary>
public sealed record PasskeySummary(string Id, string Name, DateTimeOffset CreatedAt, bool BackedUp);

/// <summary>
/// A person's passkeys (WebAuthn credentials, docs/design.md §6.9): added after Identity has checked the browser's
/// attestation, named, renamed and removed by the person, each change audited with it in one commit. Only the public
/// key and the authenticator's flags are stored: a passkey holds no secret on the server. A passkey is a second factor
/// on its own (the authenticator verified the person: PIN or biometric), so <c>PortalUser.TwoFactorEnabled</c>
/// is on while the person has an authenticator app or at least one passkey.
/// </summary>
public sealed class Passkeys(IDbContextFactory<PortalDbContext> contexts, AuditTrail audit, AccountStamps stamps, TimeProvider clock)
{
    public const int MaxPerPerson = 20;
    public const int MaxNameLength = 64;

    private static string Key(int userId) => userId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The credential id as the page and the audit log spell it (base64url, as WebAuthn does).</summary>
    public static string IdText(byte[] credentialId) => Base64Url.EncodeToString(credentialId);

    public async Task<IReadOnlyList<PasskeySummary>> ListAsync(int userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.UserPasskeys.AsNoTracking().Where(p => p.UserId == userId).ToListAsync(cancellationToken);
        return rows.OrderBy(p => p.Data.CreatedAt)
            .Select(p => new PasskeySummary(IdText(p.CredentialId), p.Data.Name ?? "Passkey", p.Data.CreatedAt, p.Data.IsBackedUp)).ToList();
    }

    public async Task<bool> AnyAsync(int userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.UserPasskeys.AnyAsync(p => p.UserId == userId, cancellationToken);
    }

    /// <summary>
    /// Stores a passkey whose attestation Identity has verified (<c>SignInManager.PerformPasskeyAttestationAsync</c>)
    /// for the signed-in person, under the name they chose.
    /// </summary>
    public async Task<DomainResult<PasskeySummary>> AddAsync(Actor actor, UserPasskeyInfo passkey, string? name, CancellationToken cancellationToken = default)
    {
        if (actor.UserId is not { } id) return DomainResult<PasskeySummary>.Forbidden("Sign in to add a passkey.");
        if (NameError(name) is { } invalid) return DomainResult<PasskeySummary>.Invalid(invalid);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return DomainResult<PasskeySummary>.NotFound($"User '{id}'");
        if (await db.UserPasskeys.CountAsync(p => p.UserId == id, cancellationToken) >= MaxPerPerson)
        {
            return DomainResult<PasskeySummary>.Conflict($"You already have {MaxPerPerson} passkeys: remove one before adding another.");
        }
        if (await db.UserPasskeys.AnyAsync(p => p.CredentialId == passkey.CredentialId, cancellationToken))
        {
            return DomainResult<PasskeySummary>.Conflict("This passkey is already registered.");
        }
        var stored = new IdentityUserPasskey<int>
        {
            UserId = id,
            CredentialId = passkey.CredentialId,
            Data = new IdentityPasskeyData
            {
                PublicKey = passkey.PublicKey,
                Name = name!.Trim(),
                CreatedAt = clock.GetUtcNow(),
                SignCount = passkey.SignCount,
                Transports = passkey.Transports,
                IsUserVerified = passkey.IsUserVerified,
                IsBackupEligible = passkey.IsBackupEligible,
                IsBackedUp = passkey.IsBackedUp,
                AttestationObject = passkey.AttestationObject,
                ClientDataJson = passkey.ClientDataJson,
            },
        };
        db.UserPasskeys.Add(stored);
        var first = !user.TwoFactorEnabled;
        user.TwoFactorEnabled = true;
        TwoFactorPolicy.Lift(user); // a second factor: no grace period runs any more
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.PasskeyAdded, "users", Key(id), ["passkey"],
            outcome: $"passkey '{stored.Data.Name}' added{(first ? "; two-factor sign-in is on" : "")}")], cancellationToken);
        stamps.Invalidate(id);
        return DomainResult<PasskeySummary>.Ok(new(IdText(stored.CredentialId), stored.Data.Name, stored.Data.CreatedAt, stored.Data.IsBackedUp));
    }

    /// <summary>Renames one of the signed-in person's passkeys.</summary>
    public async Task<DomainResult<PasskeySummary>> RenameAsync(Actor actor, string passkeyId, string? name, CancellationToken cancellationToken = default)
    {
        if (actor.UserId is not { } id) return DomainResult<PasskeySummary>.Forbidden("Sign in to rename a passkey.");
        if (NameError(name) is { } invalid) return DomainResult<PasskeySummary>.Invalid(invalid);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await FindOwnAsync(db, id, passkeyId, cancellationToken) is not { } passkey) return DomainResult<PasskeySummary>.NotFound("Passkey");
        var before = passkey.Data.Name;
        passkey.Data.Name = name!.Trim();
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.PasskeyRenamed, "users", Key(id), ["passkey"],
            new Dictionary<string, (object?, object?)> { ["passkeyName"] = (before, passkey.Data.Name) }, outcome: $"passkey '{before}' renamed")], cancellationToken);
        return DomainResult<PasskeySummary>.Ok(new(passkeyId, passkey.Data.Name!, passkey.Data.CreatedAt, passkey.Data.IsBackedUp));
    }

    /// <summary>Removes one of the signed-in person's passkeys; with their last second factor gone, two-factor is off.</summary>
    public async Task<DomainResult<bool>> RemoveAsync(Actor actor, string passkeyId, CancellationToken cancellationToken = default)
    {
        if (actor.UserId is not { } id) return DomainResult<bool>.Forbidden("Sign in to remove a passkey.");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await FindOwnAsync(db, id, passkeyId, cancellationToken) is not { } passkey) return DomainResult<bool>.NotFound("Passkey");
        db.UserPasskeys.Remove(passkey);
        var user = await db.Users.FirstAsync(u => u.Id == id, cancellationToken);
        var othersLeft = await db.UserPasskeys.AnyAsync(p => p.UserId == id && p.CredentialId != passkey.CredentialId, cancellationToken)
            || await db.AuthenticatorEnrolments.AnyAsync(e => e.UserId == id && e.ConfirmedAt != null, cancellationToken);
        user.TwoFactorEnabled = othersLeft;
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.PasskeyRemoved, "users", Key(id), ["passkey"],
            outcome: $"passkey '{passkey.Data.Name}' removed{(othersLeft ? "" : "; two-factor sign-in is off")}")], cancellationToken);
        stamps.Invalidate(id);
        return DomainResult<bool>.Ok(true);
    }

    private static async Task<IdentityUserPasskey<int>?> FindOwnAsync(PortalDbContext db, int userId, string passkeyId, CancellationToken cancellationToken)
    {
        byte[] credentialId;
        try
        {
            credentialId = Base64Url.DecodeFromChars(passkeyId);
        }
        catch (FormatException)
        {
            return null;
        }
        return await db.UserPasskeys.FirstOrDefaultAsync(p => p.UserId == userId && p.CredentialId == credentialId, cancellationToken);
    }

    private static DomainErrors? NameError(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0) return new DomainErrors().Add("name", "Give the passkey a name you will recognise, e.g. 'Work laptop'.", "required");
        if (trimmed.Length > MaxNameLength) return new DomainErrors().Add("name", $"A passkey's name has at most {MaxNameLength} characters.", "too_long");
        if (trimmed.Any(char.IsControl)) return new DomainErrors().Add("name", "A passkey's name cannot contain control characters.", "invalid");
        return null;
    }
}
