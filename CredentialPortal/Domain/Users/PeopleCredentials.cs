using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Passwords;
using CredentialPortal.Domain.Settings;
using CredentialPortal.Domain.Verification;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Users;

/// <summary>A person's account as anyone may see it (DESIGN §3 "users"): never the hash, never the stamp.</summary>
public sealed record UserSnapshot(
    int Id,
    string LoginName,
    string DisplayName,
    string? Email,
    bool Enabled,
    string Source,
    DateTime? LastPasswordChange)
{
    /// <summary>Identity's concurrency stamp: the API's ETag. Not a secret, but not a public property either.</summary>
    internal string Version { get; init; } = "";
    public bool LoginLockedOut { get; init; }
}

/// <summary>
/// The one domain service for people's accounts: list, read, change public fields and password, verify a password.
/// Password rules come from <see cref="PasswordPolicy"/> plus the history check here; AD-synchronised accounts are read-only.
/// </summary>
public sealed class PeopleCredentials(
    IDbContextFactory<PortalDbContext> contexts,
    IPasswordHasher<PortalUser> hasher,
    ILookupNormalizer normalizer,
    SecuritySettingsStore settings,
    AuditTrail audit,
    VerificationLockout lockout,
    IValidator<PersonFields> fieldsValidator,
    AccountStamps stamps,
    TimeProvider clock)
{
    public const string SourceLocal = "local";
    public const string SourceActiveDirectory = "active_directory";
    /// <summary>Hashes kept per user, whatever the history setting, so raising it later still has data.</summary>
    public const int MaxHistoryKept = 24;

    /// <summary>The catalog entry for users (DESIGN §3): public properties, which of them PATCH may change, the secret.</summary>
    public static IReadOnlyList<string> PublicProperties { get; } = ["id", "loginName", "displayName", "email", "enabled", "source", "lastPasswordChange"];
    public static IReadOnlyList<string> UpdatableProperties { get; } = ["displayName", "email"];
    public const string PasswordProperty = "password";

    /// <summary>People by id, optionally filtered by a case-insensitive search of login name, display name and email.</summary>
    public async Task<(IReadOnlyList<UserSnapshot> Items, int Total)> ListAsync(string? search, int offset, int limit, CancellationToken cancellationToken = default)
    {
        offset = Math.Max(0, offset);
        limit = Math.Clamp(limit, 1, Connectors.ConnectorCredentials.MaxPageSize);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        IQueryable<PortalUser> query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = SearchPattern.Contains(search);
            query = query.Where(u => EF.Functions.Like(u.UserName!, pattern, SearchPattern.EscapeCharacter)
                || EF.Functions.Like(u.DisplayName, pattern, SearchPattern.EscapeCharacter)
                || EF.Functions.Like(u.Email!, pattern, SearchPattern.EscapeCharacter));
        }
        var total = await query.CountAsync(cancellationToken);
        var users = await query.OrderBy(u => u.Id).Skip(offset).Take(limit).ToListAsync(cancellationToken);
        return (users.Select(Snapshot).ToList(), total);
    }

    public async Task<UserSnapshot?> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        return user is null ? null : Snapshot(user);
    }

    /// <summary>
    /// Every rule <paramref name="candidate"/> breaks for this user: the policy's and, when
    /// <paramref name="includeHistory"/>, reuse of a recent password (slow by design: one PBKDF2 per remembered hash).
    /// </summary>
    public async Task<IReadOnlyList<PolicyViolation>> CheckPasswordAsync(PortalUser user, string candidate, bool includeHistory = true, CancellationToken cancellationToken = default)
    {
        var rules = await settings.GetAsync(cancellationToken);
        var violations = PasswordPolicy.Check(rules, candidate, user.UserName).ToList();
        if (includeHistory && rules.PasswordHistory > 0 && user.Id != 0)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var remembered = await db.PasswordHistory.AsNoTracking().Where(h => h.UserId == user.Id)
                .OrderByDescending(h => h.Id).Take(rules.PasswordHistory).Select(h => h.PasswordHash).ToListAsync(cancellationToken);
            var hashes = (user.PasswordHash is null ? remembered : remembered.Prepend(user.PasswordHash)).Distinct().Take(rules.PasswordHistory);
            if (hashes.Any(h => hasher.VerifyHashedPassword(user, h, candidate) != PasswordVerificationResult.Failed))
            {
                violations.Add(new(PasswordPolicy.Reused, $"Do not reuse any of your last {rules.PasswordHistory} passwords."));
            }
        }
        return violations;
    }

    /// <summary>
    /// Applies a PATCH to a user: <c>displayName</c>, <c>email</c>, <c>password</c>. All or nothing; each unknown,
    /// read-only, wrongly typed or rule-breaking property is reported under its name.
    /// </summary>
    public async Task<DomainResult<UserSnapshot>> PatchAsync(
        Actor actor, int id, IReadOnlyDictionary<string, JsonNode?> patch, string? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return DomainResult<UserSnapshot>.NotFound();
        if (expectedVersion is not null && expectedVersion != user.ConcurrencyStamp)
        {
            return DomainResult<UserSnapshot>.Conflict("The user changed since you read it. Read it again and retry.");
        }

        var errors = new DomainErrors();
        if (patch.Count == 0) errors.Add("", "Send at least one property to change.", "empty");
        var fields = new PersonFields(user.DisplayName, user.Email);
        string? newPassword = null;
        foreach (var (name, node) in patch)
        {
            if (user.Source == UserSource.ActiveDirectory && (name == PasswordProperty || UpdatableProperties.Contains(name)))
            {
                errors.Add(name, "This user is synchronised from Active Directory: change it in the directory, not here.", "directory_user");
                continue;
            }
            switch (name)
            {
                case "displayName" when node is JsonValue v && v.TryGetValue<string>(out var displayName):
                    fields = fields with { DisplayName = displayName };
                    break;
                case "email" when node is null:
                    fields = fields with { Email = null };
                    break;
                case "email" when node is JsonValue v && v.TryGetValue<string>(out var email):
                    fields = fields with { Email = email.Length == 0 ? null : email };
                    break;
                case "displayName" or "email":
                    errors.Add(name, $"'{name}' must be a string.", "wrong_type");
                    break;
                case PasswordProperty when node is JsonValue v && v.TryGetValue<string>(out var password):
                    newPassword = password;
                    break;
                case PasswordProperty:
                    errors.Add(name, "'password' must be a string.", "wrong_type");
                    break;
                case "loginName":
                    errors.Add(name, "The login name can never be changed.", "read_only");
                    break;
                default:
                    if (PublicProperties.Contains(name)) errors.Add(name, $"'{name}' is read-only.", "read_only");
                    else errors.Add(name, $"'{name}' is not a property of a user.", "unknown_property");
                    break;
            }
        }

        var fieldResult = await fieldsValidator.ValidateAsync(fields, cancellationToken);
        foreach (var failure in fieldResult.Errors.Where(f => patch.ContainsKey(PersonFields.WireName(f.PropertyName))))
        {
            errors.Add(PersonFields.WireName(failure.PropertyName), failure.ErrorMessage, "invalid");
        }
        if (newPassword is not null && user.Source == UserSource.Local)
        {
            foreach (var violation in await CheckPasswordAsync(user, newPassword, includeHistory: true, cancellationToken))
            {
                errors.Add(PasswordProperty, violation.Message, violation.Code);
            }
        }
        if (errors.Any) return DomainResult<UserSnapshot>.Invalid(errors);

        var changes = new Dictionary<string, (object?, object?)>();
        if (fields.DisplayName != user.DisplayName)
        {
            changes["displayName"] = (user.DisplayName, fields.DisplayName);
            user.DisplayName = fields.DisplayName;
        }
        if (fields.Email != user.Email)
        {
            changes["email"] = (user.Email, fields.Email);
            user.Email = fields.Email;
            user.NormalizedEmail = normalizer.NormalizeEmail(fields.Email);
            user.EmailConfirmed = false;
        }
        var records = new List<AuditRecord>();
        if (changes.Count > 0)
        {
            records.Add(audit.Describe(actor, AuditActions.Update, "users", user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), changes.Keys, changes));
        }
        if (newPassword is not null)
        {
            await StoreNewPasswordAsync(db, user, newPassword, cancellationToken);
            records.Add(audit.Describe(actor, AuditActions.PasswordSet, "users", user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), [PasswordProperty]));
        }
        if (records.Count == 0) return DomainResult<UserSnapshot>.Ok(Snapshot(user));

        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        try
        {
            await audit.CommitAsync(db, records, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return DomainResult<UserSnapshot>.Conflict("The user changed while this change was being saved. Read it again and retry.");
        }
        stamps.Invalidate(user.Id); // a new password revokes the user's tokens at once
        return DomainResult<UserSnapshot>.Ok(Snapshot(user));
    }

    /// <summary>Sets a local user's password (the portal's Set password dialog, the helpdesk's reset).</summary>
    public Task<DomainResult<UserSnapshot>> SetPasswordAsync(Actor actor, int id, string password, CancellationToken cancellationToken = default) =>
        PatchAsync(actor, id, new Dictionary<string, JsonNode?> { [PasswordProperty] = JsonValue.Create(password) }, null, cancellationToken);

    /// <summary>Does <paramref name="password"/> match the user's? Counts toward the caller's verification lockout.</summary>
    public async Task<DomainResult<VerificationOutcome>> VerifyAsync(Actor actor, int id, string password, CancellationToken cancellationToken = default)
    {
        if (lockout.IsLockedOut(actor.Key, out var until))
        {
            return DomainResult<VerificationOutcome>.Ok(new(VerificationResult.Refused, until));
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return DomainResult<VerificationOutcome>.NotFound();
        var outcome = await lockout.VerifyAsync(actor, "users", user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), PasswordProperty,
            () => user.PasswordHash is not null && hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed,
            cancellationToken);
        return DomainResult<VerificationOutcome>.Ok(outcome);
    }

    /// <summary>Audits a sign-in attempt (portal or token endpoint): who, from where, and why it was refused.</summary>
    public async Task RecordSignInAsync(Actor actor, int? userId, bool succeeded, string? reason = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await audit.CommitAsync(db,
            [audit.Describe(actor, succeeded ? AuditActions.SignInSucceeded : AuditActions.SignInFailed, "users",
                userId?.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome: reason)],
            cancellationToken);
    }

    /// <summary>
    /// Spends the time a password check takes, for a login name that does not exist, so response times do not tell
    /// an attacker which names are real.
    /// </summary>
    public void SpendPasswordCheckTime(string password) =>
        hasher.VerifyHashedPassword(TimingDummy, timingDummyHash.Value, password);

    private static readonly PortalUser TimingDummy = new() { UserName = "timing-dummy" };
    private readonly Lazy<string> timingDummyHash = new(() => hasher.HashPassword(TimingDummy, PasswordGenerator.Generate()));

    /// <summary>
    /// Hashes and stores a new password on a tracked user: new security stamp (signs out other sessions and
    /// invalidates API tokens), login lockout cleared, history kept. The caller saves.
    /// </summary>
    internal async Task StoreNewPasswordAsync(PortalDbContext db, PortalUser user, string password, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        user.PasswordHash = hasher.HashPassword(user, password);
        user.SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
        user.LastPasswordChange = now;
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        db.PasswordHistory.Add(new PasswordHistoryEntry { UserId = user.Id, PasswordHash = user.PasswordHash, CreatedAt = now });
        var old = await db.PasswordHistory.Where(h => h.UserId == user.Id).OrderByDescending(h => h.Id).Skip(MaxHistoryKept - 1).ToListAsync(cancellationToken);
        db.PasswordHistory.RemoveRange(old);
    }

    internal UserSnapshot Snapshot(PortalUser user) =>
        new(user.Id, user.LoginName, user.DisplayName, user.Email, user.Enabled,
            user.Source == UserSource.ActiveDirectory ? SourceActiveDirectory : SourceLocal, user.LastPasswordChange)
        {
            Version = user.ConcurrencyStamp ?? "",
            LoginLockedOut = user.LockoutEnd is { } end && end > clock.GetUtcNow(),
        };
}

/// <summary>A person's editable public fields, validated together.</summary>
public sealed record PersonFields(string DisplayName, string? Email)
{
    public static string WireName(string propertyName) => char.ToLowerInvariant(propertyName[0]) + propertyName[1..];
}

public sealed class PersonFieldsValidator : AbstractValidator<PersonFields>
{
    public PersonFieldsValidator()
    {
        RuleFor(x => x.DisplayName).NotEmpty().WithMessage("'Display name' must not be empty.")
            .MaximumLength(256).Must(Catalog.FieldRules.NotContainControlCharacters).WithMessage("'Display name' must not contain control characters.");
        RuleFor(x => x.Email).EmailAddress().MaximumLength(256).When(x => x.Email is not null).WithMessage("'Email' must be an email address.");
    }
}
