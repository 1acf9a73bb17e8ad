using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Passwords;
using CredentialPortal.Domain.Settings;
using CredentialPortal.Domain.Verification;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Users;

/// <summary>
/// A person's account as anyone may see it: never the hash, never the stamp. Its public properties, which of them may be
/// changed and its secret are the catalog entry <see cref="Catalog.AccountCatalog.Users"/> (docs/design.md §3.2).
/// </summary>
[Catalog.Secret(Catalog.AccountCatalog.Password, "Password")]
public sealed record UserSnapshot(
    int Id,
    string LoginName,
    [property: Catalog.Updatable] string DisplayName,
    [property: Catalog.Updatable] string? Email,
    bool Enabled,
    string Source,
    DateTime? LastPasswordChange,
    [property: Catalog.Updatable] bool MustChangePassword)
{
    /// <summary>Identity's concurrency stamp: the API's ETag. Not a secret, but not a public property either.</summary>
    internal string Version { get; init; } = "";
    /// <summary>For the portal's badges; not a public property of the API.</summary>
    internal bool LoginLockedOut { get; init; }
    /// <summary>When the temporary password expires (the portal shows it); not a public property of the API.</summary>
    internal DateTime? TemporaryPasswordExpiresAt { get; init; }
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
    TwoFactor.TwoFactorPolicy twoFactorPolicy,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<PortalOptions> options)
{
    public const string SourceLocal = "local";
    public const string SourceActiveDirectory = "active_directory";
    /// <summary>Hashes kept per user, whatever the history setting, so raising it later still has data.</summary>
    public const int MaxHistoryKept = 24;

    public const string PasswordProperty = Catalog.AccountCatalog.Password;
    /// <summary>The audit entity type of people's accounts.</summary>
    private static string Users => Catalog.AccountCatalog.Users.Resource;

    /// <summary>People by id, optionally filtered by a case-insensitive search of login name, display name and email.</summary>
    public Task<(IReadOnlyList<UserSnapshot> Items, int Total)> ListAsync(string? search, int offset, int limit, CancellationToken cancellationToken = default) =>
        ListAsync(new UserQuery(Search: search), offset, limit, cancellationToken);

    /// <summary>One page of people, filtered and sorted in the database (indexed columns; no full-table reads).</summary>
    public async Task<(IReadOnlyList<UserSnapshot> Items, int Total)> ListAsync(UserQuery filter, int offset, int limit, CancellationToken cancellationToken = default)
    {
        var page = await ListPageAsync(filter, offset, null, limit, cancellationToken);
        return (page.Items, page.Total);
    }

    /// <summary>
    /// One page of people by offset, or, with <paramref name="after"/>, the page after that cursor's row: a seek on the
    /// sort's index (sort value, then id) instead of walking an offset, so page 1,000 costs what page 1 does.
    /// <see cref="ListPage{T}.Next"/> continues the same sort. A cursor of another sort is an <see cref="ArgumentException"/>
    /// (check it first with <see cref="IsCursorFor"/>).
    /// </summary>
    public async Task<ListPage<UserSnapshot>> ListPageAsync(UserQuery filter, int offset, ListCursor? after, int limit, CancellationToken cancellationToken = default)
    {
        offset = Math.Max(0, offset);
        limit = Math.Clamp(limit, 1, Connectors.ConnectorCredentials.MaxPageSize);
        if (after is not null && !IsCursorFor(filter, after)) throw new ArgumentException("Not a cursor of this list's sort.", nameof(after));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        IQueryable<PortalUser> query = db.Users.AsNoTracking().Where(u => u.IsMachine == filter.Machines);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            query = query.WhereAnyContains(db, filter.Search, u => u.UserName, u => u.DisplayName, u => u.Email);
        }
        if (filter.Source is SourceLocal) query = query.Where(u => u.Source == UserSource.Local);
        if (filter.Source is SourceActiveDirectory) query = query.Where(u => u.Source == UserSource.ActiveDirectory);
        if (filter.Enabled is { } enabled) query = query.Where(u => u.Enabled == enabled);
        var now = clock.GetUtcNow();
        if (filter.LockedOut == true) query = query.Where(u => u.LockoutEnd != null && u.LockoutEnd > now);
        if (filter.LockedOut == false) query = query.Where(u => u.LockoutEnd == null || u.LockoutEnd <= now);

        var total = await CountAsync(filter, query, cancellationToken);
        List<PortalUser> users;
        if (after is not null)
        {
            // Keyset: rows strictly after the cursor's (value, id) in the list's order, read straight off the index.
            users = await Sorted(After(query, filter, after), filter).Take(limit + 1).ToListAsync(cancellationToken);
        }
        else
        {
            // Deferred join: the offset is walked over an index (ids only), then just the page's rows are read. A deep
            // page at 100,000 people then costs about what the first one does instead of decoding every row it skips.
            var pageIds = Sorted(query, filter).Skip(offset).Take(limit + 1).Select(u => u.Id);
            users = await Sorted(db.Users.AsNoTracking().Where(u => pageIds.Contains(u.Id)), filter).ToListAsync(cancellationToken);
        }
        // The one row past the page only tells whether a next page exists.
        ListCursor? next = null;
        if (users.Count > limit)
        {
            users.RemoveAt(limit);
            next = CursorAt(users[^1], filter);
        }
        return new(users.Select(Snapshot).ToList(), total, next);
    }

    /// <summary>
    /// The list and sort a cursor belongs to, for the sorts it can continue: those on non-null indexed columns (id, login
    /// name, display name). Last password change is nullable and the engines order NULL differently: offset paging only.
    /// </summary>
    private static string? CursorSort(UserQuery filter) => filter.SortBy switch
    {
        "lastPasswordChange" => null,
        "loginName" or "displayName" => $"{(filter.Machines ? "machineUsers" : "users")}:{filter.SortBy}{(filter.Descending ? ":desc" : "")}",
        _ => $"{(filter.Machines ? "machineUsers" : "users")}:id{(filter.Descending ? ":desc" : "")}",
    };

    /// <summary>Whether <paramref name="cursor"/> continues a list with <paramref name="filter"/>'s sort.</summary>
    public static bool IsCursorFor(UserQuery filter, ListCursor cursor) =>
        CursorSort(filter) is { } sort && cursor.Sort == sort && Identifiers.ParseNumber(cursor.Id) is not null
        && (cursor.Value is null) == (filter.SortBy is not ("loginName" or "displayName"));

    private static ListCursor? CursorAt(PortalUser user, UserQuery filter) => CursorSort(filter) is not { } sort ? null : filter.SortBy switch
    {
        "loginName" => new ListCursor(sort, user.NormalizedUserName ?? "", Key(user)),
        "displayName" => new ListCursor(sort, user.DisplayName, Key(user)),
        _ => new ListCursor(sort, null, Key(user)),
    };

    /// <summary>The rows after the cursor's in <see cref="Sorted"/>'s order (sort value, then id ascending).</summary>
    private static IQueryable<PortalUser> After(IQueryable<PortalUser> query, UserQuery filter, ListCursor cursor)
    {
        var id = Identifiers.ParseNumber(cursor.Id)!.Value;
        var value = cursor.Value ?? "";
        // string.Compare here is translated to the SQL comparison of the column (its collation, as ORDER BY uses): an
        // ordinal comparison would not be translated, and would not match the order the rows are sorted in.
#pragma warning disable CA1309
        return (filter.SortBy, filter.Descending) switch
        {
            ("loginName", false) => query.Where(u => string.Compare(u.NormalizedUserName, value) > 0 || (u.NormalizedUserName == value && u.Id > id)),
            ("loginName", true) => query.Where(u => string.Compare(u.NormalizedUserName, value) < 0 || (u.NormalizedUserName == value && u.Id > id)),
            ("displayName", false) => query.Where(u => string.Compare(u.DisplayName, value) > 0 || (u.DisplayName == value && u.Id > id)),
            ("displayName", true) => query.Where(u => string.Compare(u.DisplayName, value) < 0 || (u.DisplayName == value && u.Id > id)),
            (_, true) => query.Where(u => u.Id < id),
            _ => query.Where(u => u.Id > id),
        };
#pragma warning restore CA1309
    }

    private static IQueryable<PortalUser> Sorted(IQueryable<PortalUser> query, UserQuery filter) => (filter.SortBy, filter.Descending) switch
    {
        ("loginName", false) => query.OrderBy(u => u.NormalizedUserName).ThenBy(u => u.Id),
        ("loginName", true) => query.OrderByDescending(u => u.NormalizedUserName).ThenBy(u => u.Id),
        ("displayName", false) => query.OrderBy(u => u.DisplayName).ThenBy(u => u.Id),
        ("displayName", true) => query.OrderByDescending(u => u.DisplayName).ThenBy(u => u.Id),
        ("lastPasswordChange", false) => query.OrderBy(u => u.LastPasswordChange).ThenBy(u => u.Id),
        ("lastPasswordChange", true) => query.OrderByDescending(u => u.LastPasswordChange).ThenBy(u => u.Id),
        (_, true) => query.OrderByDescending(u => u.Id),
        _ => query.OrderBy(u => u.Id),
    };

    // Totals for the list's filters, kept for two seconds: counting 100,000 rows on every page costs more than the page.
    private static readonly TimeSpan CountLifetime = TimeSpan.FromSeconds(2);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<UserQuery, (int Count, DateTime Until)> counts = new();

    private async Task<int> CountAsync(UserQuery filter, IQueryable<PortalUser> query, CancellationToken cancellationToken)
    {
        var key = filter with { SortBy = "", Descending = false };
        var now = clock.GetUtcNow().UtcDateTime;
        if (counts.TryGetValue(key, out var cached) && cached.Until > now) return cached.Count;
        var count = await query.CountAsync(cancellationToken);
        if (counts.Count > 1000) counts.Clear();
        counts[key] = (count, now + CountLifetime);
        return count;
    }

    /// <summary>The roles a person holds.</summary>
    public async Task<IReadOnlyList<string>> GetRolesAsync(int id, CancellationToken cancellationToken = default) =>
        (await stamps.GetAsync(id, cancellationToken))?.Roles ?? [];

    /// <summary>Ends a login lockout (too many wrong sign-ins) early.</summary>
    public Task<DomainResult<UserSnapshot>> UnlockAsync(Actor actor, int id, CancellationToken cancellationToken = default) =>
        ChangeAccountAsync(actor, Permission.UnlockPeople, id, AuditActions.Unlocked, ["lockoutEnd"], user =>
        {
            if (user.LockoutEnd is not { } end || end <= clock.GetUtcNow()) return "This account is not locked.";
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            return null;
        }, cancellationToken);

    /// <summary>Enables or disables an account; disabling ends its portal sessions and API tokens at once.</summary>
    public Task<DomainResult<UserSnapshot>> SetEnabledAsync(Actor actor, int id, bool enabled, CancellationToken cancellationToken = default) =>
        ChangeAccountAsync(actor, Permission.ManageAccounts, id, enabled ? AuditActions.AccountEnabled : AuditActions.AccountDisabled, ["enabled"], user =>
        {
            if (user.Enabled == enabled) return enabled ? "The account is already enabled." : "The account is already disabled.";
            if (!enabled && actor.UserId == user.Id) return "You cannot disable your own account.";
            user.Enabled = enabled;
            user.SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
            return null;
        }, cancellationToken, changes: enabled ? [("enabled", false, true)] : [("enabled", true, false)]);

    /// <summary>Replaces a person's roles; the change revokes their sessions and tokens (new security stamp).</summary>
    public async Task<DomainResult<UserSnapshot>> SetRolesAsync(Actor actor, int id, IReadOnlyCollection<string> roles, CancellationToken cancellationToken = default)
    {
        if (actor.Refuse<UserSnapshot>(Permission.ManageAccounts) is { } refused) return refused;
        var unknown = roles.Except(Access.PortalRoles.All).ToList();
        if (unknown.Count > 0) return DomainResult<UserSnapshot>.Invalid(new DomainErrors().Add("roles", $"Unknown role: {string.Join(", ", unknown)}.", "unknown_role"));
        if (actor.UserId == id && !roles.Contains(Access.PortalRoles.Administrator))
        {
            return DomainResult<UserSnapshot>.Invalid(new DomainErrors().Add("roles", "You cannot remove the Administrator role from yourself.", "self"));
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return DomainResult<UserSnapshot>.NotFound($"User '{id}'");
        var roleIds = await db.Roles.Where(r => roles.Contains(r.Name!)).ToDictionaryAsync(r => r.Id, r => r.Name!, cancellationToken);
        var current = await db.UserRoles.Where(ur => ur.UserId == id).ToListAsync(cancellationToken);
        var before = await db.Roles.Where(r => current.Select(c => c.RoleId).Contains(r.Id)).Select(r => r.Name!).OrderBy(n => n).ToListAsync(cancellationToken);
        var after = roleIds.Values.OrderBy(n => n).ToList();
        if (before.SequenceEqual(after)) return DomainResult<UserSnapshot>.Ok(Snapshot(user));
        db.UserRoles.RemoveRange(current.Where(c => !roleIds.ContainsKey(c.RoleId)));
        foreach (var roleId in roleIds.Keys.Where(r => current.All(c => c.RoleId != r)))
        {
            db.UserRoles.Add(new Microsoft.AspNetCore.Identity.IdentityUserRole<int> { UserId = id, RoleId = roleId });
        }
        user.SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        await twoFactorPolicy.FollowRolesAsync(db, user, after, cancellationToken); // a role that must use two-factor starts the grace period
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.RoleChanged, Users, Key(user), ["roles"],
            new Dictionary<string, (object?, object?)> { ["roles"] = (string.Join(", ", before), string.Join(", ", after)) })], cancellationToken);
        stamps.Invalidate(id);
        return DomainResult<UserSnapshot>.Ok(Snapshot(user));
    }

    /// <summary>A signed-in person changes their own password: the current one must match, the new one must pass the policy.</summary>
    public async Task<DomainResult<UserSnapshot>> ChangeOwnPasswordAsync(Actor actor, string currentPassword, string newPassword, CancellationToken cancellationToken = default)
    {
        if (actor.UserId is not { } id) return DomainResult<UserSnapshot>.NotFound();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return DomainResult<UserSnapshot>.NotFound();
        if (user.PasswordHash is null || hasher.VerifyHashedPassword(user, user.PasswordHash, currentPassword) == PasswordVerificationResult.Failed)
        {
            return DomainResult<UserSnapshot>.Invalid(new DomainErrors().Add("currentPassword", "The current password is not correct.", "wrong_password"));
        }
        // One's own password needs no role: knowing the current one is the permission.
        return await ReplacePasswordAsync(actor, id, newPassword, cancellationToken);
    }

    private async Task<DomainResult<UserSnapshot>> ChangeAccountAsync(
        Actor actor, Permission permission, int id, string action, string[] properties, Func<PortalUser, string?> change, CancellationToken cancellationToken,
        (string Name, object? Old, object? New)[]? changes = null)
    {
        if (actor.Refuse<UserSnapshot>(permission) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return DomainResult<UserSnapshot>.NotFound($"User '{id}'");
        if (change(user) is { } refusal) return DomainResult<UserSnapshot>.Invalid(new DomainErrors().Add(properties[0], refusal, "refused"));
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        await audit.CommitAsync(db, [audit.Describe(actor, action, Users, Key(user), properties,
            changes?.ToDictionary(c => c.Name, c => (c.Old, c.New)))], cancellationToken);
        stamps.Invalidate(id);
        return DomainResult<UserSnapshot>.Ok(Snapshot(user));
    }

    private static string Key(PortalUser user) => user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task<UserSnapshot?> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        return user is null ? null : Snapshot(user);
    }

    /// <summary>
    /// Whose password this account's is, for its minimum length (docs/design.md §6.1): a machine user's, or a person's
    /// with or without a second factor (<see cref="TwoFactor.TwoFactorPolicy.HasSecondFactorAsync"/>).
    /// </summary>
    public async Task<PasswordHolder> PasswordHolderAsync(PortalUser user, CancellationToken cancellationToken = default) =>
        user.IsMachine ? PasswordHolder.MachineUser
        : user.Id != 0 && await twoFactorPolicy.HasSecondFactorAsync(user.Id, cancellationToken) ? PasswordHolder.PersonWithSecondFactor
        : PasswordHolder.PersonWithoutSecondFactor;

    /// <summary>The password holder of the account <paramref name="id"/> (see the overload); a person without a second factor when unknown.</summary>
    public async Task<PasswordHolder> PasswordHolderAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        return user is null ? PasswordHolder.PersonWithoutSecondFactor : await PasswordHolderAsync(user, cancellationToken);
    }

    /// <summary>
    /// Every rule <paramref name="candidate"/> breaks for this user: the policy's and, when
    /// <paramref name="includeHistory"/>, reuse of a recent password (slow by design: one PBKDF2 per remembered hash).
    /// </summary>
    public async Task<IReadOnlyList<PolicyViolation>> CheckPasswordAsync(PortalUser user, string candidate, bool includeHistory = true, CancellationToken cancellationToken = default)
    {
        var rules = await settings.GetAsync(cancellationToken);
        var violations = PasswordPolicy.Check(rules, candidate, user.UserName, await PasswordHolderAsync(user, cancellationToken)).ToList();
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
    /// Applies a PATCH to a user: the catalog's updatable properties and the password (<see cref="Catalog.AccountCatalog.Users"/>).
    /// All or nothing; each unknown, read-only, wrongly typed or rule-breaking property is reported under its name.
    /// Setting a password needs <see cref="Permission.SetPasswords"/>, anything else <see cref="Permission.EditPeople"/>.
    /// </summary>
    public async Task<DomainResult<UserSnapshot>> PatchAsync(
        Actor actor, int id, IReadOnlyDictionary<string, JsonNode?> patch, string? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        if (Refusal(actor, patch.Keys) is { } refused) return refused;
        return await PatchRetryingAsync(actor, id, patch, expectedVersion, cancellationToken);
    }

    private Task<DomainResult<UserSnapshot>> PatchRetryingAsync(
        Actor actor, int id, IReadOnlyDictionary<string, JsonNode?> patch, string? expectedVersion, CancellationToken cancellationToken) =>
        LastWriteWins.RetryAsync(ifMatch: expectedVersion is not null, () => PatchOnceAsync(actor, id, patch, expectedVersion, cancellationToken));

    /// <summary>Which of the sent properties the actor may not change, as one refusal (Helpdesk: the password only).</summary>
    private static DomainResult<UserSnapshot>? Refusal(Actor actor, IEnumerable<string> properties)
    {
        var names = properties.ToList();
        var passwordProperties = Catalog.AccountCatalog.PasswordProperties;
        if (names.Any(passwordProperties.Contains) && actor.Refuse<UserSnapshot>(Permission.SetPasswords) is { } noPasswords) return noPasswords;
        var others = names.Where(n => !passwordProperties.Contains(n)).ToList();
        if (others.Count == 0 || actor.Allows(Permission.EditPeople)) return null;
        return actor.Allows(Permission.SetPasswords)
            ? DomainResult<UserSnapshot>.Forbidden($"Your role may change a user's password only, not: {string.Join(", ", others)}.")
            : DomainResult<UserSnapshot>.Forbidden(Permissions.RefusalMessage(Permission.EditPeople));
    }

    private async Task<DomainResult<UserSnapshot>> PatchOnceAsync(
        Actor actor, int id, IReadOnlyDictionary<string, JsonNode?> patch, string? expectedVersion, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return DomainResult<UserSnapshot>.NotFound($"User '{id}'");
        if (expectedVersion is not null && expectedVersion != user.ConcurrencyStamp)
        {
            return DomainResult<UserSnapshot>.PreconditionFailed("The user changed since you read it. Read it again and retry.");
        }

        var catalog = Catalog.AccountCatalog.Users;
        var errors = new DomainErrors();
        if (patch.Count == 0) errors.Add("", "Send at least one property to change.", "empty");
        var values = new Dictionary<string, object?>();
        string? newPassword = null;
        foreach (var (name, node) in patch)
        {
            var secret = catalog.FindSecret(name);
            var property = catalog.FindProperty(name);
            if (secret is null && property is null)
            {
                errors.Add(name, $"'{name}' is not a property of a user.", "unknown_property");
            }
            else if (user.Source == UserSource.ActiveDirectory && (secret is not null || property!.Updatable))
            {
                errors.Add(name, "This user is synchronised from Active Directory: change it in the directory, not here.", "directory_user");
            }
            else if (secret is not null)
            {
                if (node is JsonValue v && v.TryGetValue<string>(out var password)) newPassword = password;
                else errors.Add(name, $"'{name}' must be a string.", "wrong_type");
            }
            else if (!property!.Updatable)
            {
                errors.Add(name, name == "loginName" ? "The login name can never be changed." : $"'{name}' is read-only.", "read_only");
            }
            else if (property.TryRead(node, out var value, out var wrong))
            {
                values[name] = value;
            }
            else
            {
                errors.Add(name, wrong ?? $"'{name}' must be a string.", "wrong_type");
            }
        }
        var fields = new PersonFields(
            values.TryGetValue("displayName", out var displayName) ? (string?)displayName ?? "" : user.DisplayName,
            values.TryGetValue("email", out var email) ? email is string { Length: > 0 } e ? e : null : user.Email);

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
            records.Add(audit.Describe(actor, AuditActions.Update, Users, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), changes.Keys, changes));
        }
        var mustChange = values.TryGetValue(Catalog.AccountCatalog.MustChangePassword, out var flag) ? flag as bool? : null;
        if (newPassword is not null)
        {
            records.Add(SetPasswordState(actor, user, temporary: mustChange == true));
            await StoreNewPasswordAsync(db, user, newPassword, cancellationToken);
        }
        else if (mustChange is { } required && required != user.MustChangePassword)
        {
            // The flag on its own: the current password stays and does not expire, but must be changed at the next sign-in.
            records.Add(audit.Describe(actor, AuditActions.Update, Users, Key(user), [Catalog.AccountCatalog.MustChangePassword],
                new Dictionary<string, (object?, object?)> { [Catalog.AccountCatalog.MustChangePassword] = (user.MustChangePassword, required) }));
            user.MustChangePassword = required;
            if (!required) user.TemporaryPasswordExpiresAt = null;
        }
        if (records.Count == 0) return DomainResult<UserSnapshot>.Ok(Snapshot(user));

        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        try
        {
            await audit.CommitAsync(db, records, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            const string collided = "The user changed while this change was being saved. Read it again and retry.";
            return expectedVersion is null ? DomainResult<UserSnapshot>.Conflict(collided) : DomainResult<UserSnapshot>.PreconditionFailed(collided);
        }
        stamps.Invalidate(user.Id); // a new password revokes the user's tokens at once
        return DomainResult<UserSnapshot>.Ok(Snapshot(user));
    }

    /// <summary>
    /// Sets a local user's password (the portal's Set password dialog, the helpdesk's reset); a <paramref name="temporary"/>
    /// one must be changed at the next sign-in and expires unused after <see cref="PortalOptions.TemporaryPasswordLifetime"/>.
    /// </summary>
    public Task<DomainResult<UserSnapshot>> SetPasswordAsync(Actor actor, int id, string password, bool temporary = false, CancellationToken cancellationToken = default)
    {
        var patch = new Dictionary<string, JsonNode?> { [PasswordProperty] = JsonValue.Create(password) };
        if (temporary) patch[Catalog.AccountCatalog.MustChangePassword] = JsonValue.Create(true);
        return PatchAsync(actor, id, patch, null, cancellationToken);
    }

    /// <summary>
    /// The password's state for a new value, and its audit record: temporary (set for someone else, with an expiry),
    /// a temporary one replaced by its owner, or an ordinary change. Any new value ends the lockout and the sessions
    /// (<see cref="StoreNewPasswordAsync"/>).
    /// </summary>
    private AuditRecord SetPasswordState(Actor actor, PortalUser user, bool temporary)
    {
        var wasTemporary = user.MustChangePassword;
        user.MustChangePassword = temporary;
        user.TemporaryPasswordExpiryRecorded = false;
        if (temporary)
        {
            var expires = clock.GetUtcNow().UtcDateTime + options.Value.TemporaryPasswordLifetime;
            user.TemporaryPasswordExpiresAt = expires;
            return audit.Describe(actor, AuditActions.TemporaryPasswordSet, Users, Key(user), [PasswordProperty, Catalog.AccountCatalog.MustChangePassword],
                outcome: $"must be changed at the next sign-in; expires unused at {expires:u}");
        }
        user.TemporaryPasswordExpiresAt = null;
        return wasTemporary && actor.UserId == user.Id
            ? audit.Describe(actor, AuditActions.TemporaryPasswordChanged, Users, Key(user), [PasswordProperty], outcome: "the temporary password was replaced by its owner")
            : audit.Describe(actor, AuditActions.PasswordSet, Users, Key(user), [PasswordProperty]);
    }

    /// <summary>
    /// Sets a password where the caller has decided the permission itself: one's own (the current password known), or
    /// a machine user's by its organisation's rule (<see cref="Organisations.MachineUserAccounts"/>).
    /// </summary>
    internal Task<DomainResult<UserSnapshot>> ReplacePasswordAsync(Actor actor, int id, string password, CancellationToken cancellationToken = default) =>
        PatchRetryingAsync(actor, id, new Dictionary<string, JsonNode?> { [PasswordProperty] = JsonValue.Create(password) }, null, cancellationToken);

    /// <summary>Does <paramref name="password"/> match the user's? Counts toward the caller's verification lockout.</summary>
    public async Task<DomainResult<VerificationOutcome>> VerifyAsync(Actor actor, int id, string password, CancellationToken cancellationToken = default)
    {
        if (actor.Refuse<VerificationOutcome>(Permission.VerifyPasswords) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null) return DomainResult<VerificationOutcome>.NotFound($"User '{id}'");
        var outcome = await lockout.VerifyAsync(actor, Users, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), PasswordProperty,
            () => user.PasswordHash is not null && hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed,
            cancellationToken);
        return DomainResult<VerificationOutcome>.Ok(outcome);
    }

    /// <summary>Audits a sign-in attempt (portal or token endpoint): who, from where, and why it was refused.</summary>
    public async Task RecordSignInAsync(Actor actor, int? userId, bool succeeded, string? reason = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await audit.CommitAsync(db,
            [audit.Describe(actor, succeeded ? AuditActions.SignInSucceeded : AuditActions.SignInFailed, Users,
                userId?.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome: reason)],
            cancellationToken);
    }

    /// <summary>
    /// Records that a wrong password just set the account's sign-in lockout (Identity's, until <paramref name="until"/>).
    /// </summary>
    public async Task RecordSignInLockoutAsync(Actor actor, int userId, DateTimeOffset? until, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await audit.CommitAsync(db,
            [audit.Describe(actor, AuditActions.SignInLockedOut, "users", userId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["lockoutEnd"],
                outcome: until is { } end ? $"sign-in locked until {end.UtcDateTime:u}" : "sign-in locked")],
            cancellationToken);
    }

    /// <summary>Records that sign-in attempts from a client were refused unread, for too many in a short time.</summary>
    public async Task RecordSignInThrottledAsync(Actor actor, string outcome, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.SignInThrottled, Users, outcome: outcome)], cancellationToken);
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
            user.Source == UserSource.ActiveDirectory ? SourceActiveDirectory : SourceLocal, user.LastPasswordChange, user.MustChangePassword)
        {
            TemporaryPasswordExpiresAt = user.MustChangePassword ? user.TemporaryPasswordExpiresAt : null,
            Version = user.ConcurrencyStamp ?? "",
            LoginLockedOut = user.LockoutEnd is { } end && end > clock.GetUtcNow(),
        };
}

/// <summary>Filters and sort order for the people list (portal grid, API).</summary>
public sealed record UserQuery(
    string? Search = null,
    string? Source = null,
    bool? Enabled = null,
    bool? LockedOut = null,
    string SortBy = "id",
    bool Descending = false,
    bool Machines = false);

/// <summary>A person's editable public fields, validated together.</summary>
public sealed record PersonFields(string DisplayName, string? Email)
{
    public static string WireName(string propertyName) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(propertyName);
}

public sealed class PersonFieldsValidator : AbstractValidator<PersonFields>
{
    public PersonFieldsValidator()
    {
        RuleFor(x => x.DisplayName).NotEmpty().WithMessage("'Display name' must not be empty.")
            .MaximumLength(256).Must(Catalog.FieldRules.NotContainControlCharacters).WithMessage("'Display name' must not contain control characters.");
        RuleFor(x => x.Email).EmailAddress().MaximumLength(256).When(x => x.Email is not null).WithMessage("'Email' must be an email address.");
    }

    /// <summary>
    /// The messages for one property of a <see cref="PersonFields"/> being edited, as MudBlazor's form asks for them
    /// (its <c>Validation</c> with <c>For</c> on each field): the portal's form and the API use these same rules.
    /// </summary>
    public Func<object, string, Task<IEnumerable<string>>> ValidateValue => async (model, propertyName) =>
    {
        var result = await ValidateAsync(ValidationContext<PersonFields>.CreateWithOptions((PersonFields)model, o => o.IncludeProperties(propertyName)));
        return result.Errors.Select(e => e.ErrorMessage);
    };
}
