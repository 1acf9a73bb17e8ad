using System.Linq.Expressions;
using System.Text.RegularExpressions;
using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Passwords;
using CredentialPortal.Domain.Settings;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Organisations;

/// <summary>One row of an organisation's user list (the CLI's <c>org-list</c> table); its catalog entry is <see cref="AccountCatalog.MachineUsers"/>.</summary>
[Secret(AccountCatalog.Password, "Password")]
public sealed record OrgUserRow(int Id, string Name, string Email, DateTime Created, string Status, string Role)
{
    internal bool IsMachine { get; init; }
}

/// <summary>What adding a machine user may send (<see cref="AccountCatalog.NewMachineUser"/>): all optional.</summary>
[Secret(AccountCatalog.Password, "Password")]
public sealed record NewMachineUser([property: Updatable] string? Name, [property: Updatable] int? AccountId, [property: Updatable] string? Role);

/// <summary>A new machine user, and its password when the server generated it (shown once, never stored in plain).</summary>
public sealed record MachineUserCreated(OrgUserRow User, string? GeneratedPassword);

/// <summary>
/// Organisations and their connector (machine) users (docs/design.md §2.2, §3.3): list an organisation's users, add a machine
/// user with a given or generated password, rotate it. Passwords follow the same policy, hashing and history as people's.
/// </summary>
public sealed partial class MachineUserAccounts(
    IDbContextFactory<PortalDbContext> contexts,
    ILookupNormalizer normalizer,
    PeopleCredentials people,
    SecuritySettingsStore settings,
    AuditTrail audit,
    TimeProvider clock)
{
    public const string DefaultNamePrefix = "machine-user-";
    private readonly DatabaseExclusion creation = new("machine-user-creation");

    public static bool TryParseRole(string? text, out OrgRole role)
    {
        role = OrgRole.Contributor; // the documented default (docs/requirements.md R2.4)
        if (string.IsNullOrEmpty(text)) return true;
        if (text.Equals("Admin", StringComparison.OrdinalIgnoreCase))
        {
            role = OrgRole.Admin;
            return true;
        }
        return text.Equals("Contributor", StringComparison.OrdinalIgnoreCase);
    }

    public async Task<IReadOnlyList<Organisation>> ListOrgsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Organisations.AsNoTracking().OrderBy(o => o.Id).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Does the actor hold <paramref name="permission"/> within organisation <paramref name="orgId"/>: through its roles
    /// everywhere, or through the table's organisation rule (<see cref="Permissions"/>: a member, an org Admin)?
    /// </summary>
    public async Task<bool> MayAsync(Actor actor, Permission permission, int orgId, CancellationToken cancellationToken = default)
    {
        if (actor.Allows(permission)) return true;
        if (GrantingMembership(actor, permission) is not { } granting) return false;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.OrgMemberships.AsNoTracking().Where(granting).AnyAsync(m => m.OrgId == orgId, cancellationToken);
    }

    /// <summary>The same question for every organisation <paramref name="userId"/> belongs to at once (one query): may the actor act on that member?</summary>
    private async Task<bool> MayForMemberAsync(Actor actor, Permission permission, int userId, CancellationToken cancellationToken)
    {
        if (actor.Allows(permission)) return true;
        if (GrantingMembership(actor, permission) is not { } granting) return false;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var orgsOfMember = db.OrgMemberships.Where(m => m.UserId == userId).Select(m => m.OrgId);
        return await db.OrgMemberships.AsNoTracking().Where(granting).AnyAsync(m => orgsOfMember.Contains(m.OrgId), cancellationToken);
    }

    /// <summary>The table's organisation rule as a filter on the actor's memberships; null when the permission has none.</summary>
    private static Expression<Func<OrgMembership, bool>>? GrantingMembership(Actor actor, Permission permission)
    {
        var scope = Permissions.Table[permission].OrgScope;
        if (scope == OrgScope.None || actor.UserId is not { } id) return null;
        return m => m.UserId == id && (scope == OrgScope.Member || m.Role == OrgRole.Admin);
    }

    public async Task<DomainResult<IReadOnlyList<OrgUserRow>>> ListOrgUsersAsync(Actor actor, int orgId, CancellationToken cancellationToken = default)
    {
        if (!await MayAsync(actor, Permission.ReadOrganisation, orgId, cancellationToken))
        {
            return DomainResult<IReadOnlyList<OrgUserRow>>.Forbidden(Permissions.RefusalMessage(Permission.ReadOrganisation));
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Organisations.AnyAsync(o => o.Id == orgId, cancellationToken))
        {
            return DomainResult<IReadOnlyList<OrgUserRow>>.NotFound($"Organisation {orgId}");
        }
        var rows = await (from m in db.OrgMemberships
                          join u in db.Users on m.UserId equals u.Id
                          where m.OrgId == orgId
                          orderby u.Id
                          select new { u.Id, u.UserName, u.Email, u.CreatedAt, u.Enabled, m.Role, u.IsMachine }).ToListAsync(cancellationToken);
        return DomainResult<IReadOnlyList<OrgUserRow>>.Ok(rows.Select(r =>
            new OrgUserRow(r.Id, r.UserName!, r.IsMachine ? "" : r.Email ?? "", r.CreatedAt, r.Enabled ? "active" : "disabled", r.Role.ToString()) { IsMachine = r.IsMachine }).ToList());
    }

    /// <summary>
    /// Adds a machine user to an organisation. Name defaults to <c>machine-user-{account id}</c>; the account id is
    /// generated when not given; the password is generated when not given (and returned only then).
    /// </summary>
    public async Task<DomainResult<MachineUserCreated>> AddAsync(
        Actor actor, int orgId, string? name, int? accountId, string? password, string? role, CancellationToken cancellationToken = default)
    {
        if (!await MayAsync(actor, Permission.ManageMachineUsers, orgId, cancellationToken))
        {
            return DomainResult<MachineUserCreated>.Forbidden("Only administrators and the organisation's Admin members add machine users.");
        }
        var errors = new DomainErrors();
        if (!TryParseRole(role, out var orgRole)) errors.Add("role", "The role must be Admin or Contributor.", "invalid_role");
        if (accountId is <= 0) errors.Add("accountId", "The account id must be a positive whole number.", "invalid_account_id");
        if (name is not null && !NamePattern().IsMatch(name))
        {
            errors.Add("name", "The name must be 1–64 letters, digits, dots, dashes, underscores or @, starting with a letter or digit.", "invalid_name");
        }
        var rules = await settings.GetAsync(cancellationToken);
        if (password is not null)
        {
            foreach (var violation in PasswordPolicy.Check(rules, password, name ?? DefaultNamePrefix, PasswordHolder.MachineUser))
            {
                errors.Add("password", violation.Message, violation.Code);
            }
        }
        if (errors.Any) return DomainResult<MachineUserCreated>.Invalid(errors);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var section = await creation.EnterAsync(db, cancellationToken: cancellationToken);
        if (!await db.Organisations.AnyAsync(o => o.Id == orgId, cancellationToken))
        {
            return DomainResult<MachineUserCreated>.NotFound($"Organisation {orgId}");
        }
        var id = accountId ?? (await db.Users.MaxAsync(u => (int?)u.Id, cancellationToken) ?? 0) + 1;
        if (await db.Users.AnyAsync(u => u.Id == id, cancellationToken))
        {
            return DomainResult<MachineUserCreated>.Conflict($"Account id {id} is taken.");
        }
        var loginName = name ?? DefaultNamePrefix + id;
        var normalized = normalizer.NormalizeName(loginName);
        if (await db.Users.AnyAsync(u => u.NormalizedUserName == normalized, cancellationToken))
        {
            return DomainResult<MachineUserCreated>.Conflict($"The name '{loginName}' is taken.");
        }
        var generated = password is null ? PasswordGenerator.Generate(rules) : null;
        if (password is not null && PasswordPolicy.Check(rules, password, loginName, PasswordHolder.MachineUser) is { Count: > 0 } late)
        {
            // The default name is known only now: recheck "not containing the login name".
            return DomainResult<MachineUserCreated>.Invalid(late.Aggregate(new DomainErrors(), (e, v) => e.Add("password", v.Message, v.Code)));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var user = new PortalUser
        {
            Id = id, UserName = loginName, NormalizedUserName = normalized, DisplayName = loginName, IsMachine = true,
            Source = UserSource.Local, Enabled = true, CreatedAt = now, LockoutEnabled = true,
            SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant(), ConcurrencyStamp = Guid.NewGuid().ToString(),
        };
        db.Users.Add(user);
        await people.StoreNewPasswordAsync(db, user, password ?? generated!, cancellationToken);
        db.OrgMemberships.Add(new OrgMembership { OrgId = orgId, UserId = id, Role = orgRole });
        var record = audit.Describe(actor, AuditActions.Create, AccountCatalog.MachineUsers.Resource, id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["name", "org", "role", "password"],
            new Dictionary<string, (object?, object?)> { ["name"] = (null, loginName), ["org"] = (null, orgId), ["role"] = (null, orgRole.ToString()) },
            outcome: generated is null ? "password given" : "password generated");
        await audit.CommitAsync(db, [record], cancellationToken);
        await section.CommitAsync(cancellationToken);
        return DomainResult<MachineUserCreated>.Ok(new MachineUserCreated(
            new OrgUserRow(id, loginName, "", now, "active", orgRole.ToString()) { IsMachine = true }, generated));
    }

    /// <summary>A machine user by account id or by name.</summary>
    public async Task<PortalUser?> FindAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (Identifiers.TryParseNumber(idOrName, out var id))
        {
            var byId = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id && u.IsMachine, cancellationToken);
            if (byId is not null) return byId;
        }
        var normalized = normalizer.NormalizeName(idOrName);
        return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedUserName == normalized && u.IsMachine, cancellationToken);
    }

    /// <summary>
    /// Sets a machine user's password (by account id or name): the machine user itself, the Admin members of any of its
    /// organisations, and roles that manage every organisation may (<see cref="Permission.ManageMachineUsers"/>).
    /// </summary>
    public async Task<DomainResult<UserSnapshot>> SetPasswordAsync(Actor actor, string idOrName, string password, CancellationToken cancellationToken = default)
    {
        var target = await FindAsync(idOrName, cancellationToken);
        if (target is null) return DomainResult<UserSnapshot>.NotFound($"Machine user '{idOrName}'");
        var allowed = actor.UserId == target.Id || await MayForMemberAsync(actor, Permission.ManageMachineUsers, target.Id, cancellationToken);
        if (!allowed) return DomainResult<UserSnapshot>.Forbidden(Permissions.RefusalMessage(Permission.ManageMachineUsers));
        var result = await people.ReplacePasswordAsync(actor, target.Id, password, cancellationToken);
        return result.Status == DomainStatus.NotFound ? DomainResult<UserSnapshot>.NotFound($"Machine user '{idOrName}'") : result;
    }

    public async Task<DomainResult<Organisation>> CreateOrgAsync(Actor actor, string name, CancellationToken cancellationToken = default)
    {
        if (actor.Refuse<Organisation>(Permission.ManageOrganisations) is { } refused) return refused;
        name = name.Trim();
        if (name.Length is 0 or > 128 || name.Any(char.IsControl))
        {
            return DomainResult<Organisation>.Invalid(new DomainErrors().Add("name", "The name must be 1–128 characters without control characters.", "invalid_name"));
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Organisations.AnyAsync(o => o.Name == name, cancellationToken)) return DomainResult<Organisation>.Conflict($"An organisation named '{name}' exists.");
        var org = new Organisation { Name = name, CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.Organisations.Add(org);
        // The record names the new id, known only once the row is saved: both in one transaction.
        await audit.CommitAsync(db, async ct =>
        {
            await db.SaveChangesAsync(ct);
            return [audit.Describe(actor, AuditActions.Create, AccountCatalog.Organisations, org.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["name"],
                new Dictionary<string, (object?, object?)> { ["name"] = (null, name) })];
        }, cancellationToken);
        return DomainResult<Organisation>.Ok(org);
    }

    /// <summary>Adds, changes or (with <paramref name="role"/> null) removes a user's membership of an organisation.</summary>
    public async Task<DomainResult<bool>> SetMembershipAsync(Actor actor, int orgId, int userId, OrgRole? role, CancellationToken cancellationToken = default)
    {
        if (actor.Refuse<bool>(Permission.ManageOrganisations) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Organisations.AnyAsync(o => o.Id == orgId, cancellationToken)) return DomainResult<bool>.NotFound($"Organisation {orgId}");
        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken)) return DomainResult<bool>.NotFound($"User {userId}");
        var membership = await db.OrgMemberships.FirstOrDefaultAsync(m => m.OrgId == orgId && m.UserId == userId, cancellationToken);
        var before = membership?.Role.ToString();
        if (role is null && membership is not null) db.OrgMemberships.Remove(membership);
        else if (role is { } r && membership is null) db.OrgMemberships.Add(new OrgMembership { OrgId = orgId, UserId = userId, Role = r });
        else if (role is { } changed && membership is not null) membership.Role = changed;
        if (before == role?.ToString()) return DomainResult<bool>.Ok(false);
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.RoleChanged, AccountCatalog.Users.Resource, userId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["orgRole"], new Dictionary<string, (object?, object?)> { [$"org {orgId}"] = (before, role?.ToString()) })], cancellationToken);
        return DomainResult<bool>.Ok(true);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")]
    private static partial Regex NamePattern();
}
