using System.Globalization;
using CredentialPortal.Data;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Settings;
using CredentialPortal.Domain.Users;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.TwoFactor;

/// <summary>Where a person stands with the two-factor policy.</summary>
public enum TwoFactorStanding
{
    /// <summary>None of the person's roles is one that must use two-factor.</summary>
    NotRequired,
    /// <summary>Required, and the person has a second factor.</summary>
    Satisfied,
    /// <summary>Required, no second factor yet, within the grace period: reminded on every page.</summary>
    Grace,
    /// <summary>Required, no second factor, the grace period over: nothing but enrolling is open.</summary>
    Overdue,
}

/// <summary>A person's standing and, while they have no second factor, the end of their grace period.</summary>
public sealed record TwoFactorRequirement(TwoFactorStanding Standing, DateTime? Deadline = null)
{
    public static TwoFactorRequirement None { get; } = new(TwoFactorStanding.NotRequired);

    /// <summary>The grace period is over: the person must enrol before anything else.</summary>
    public bool MustEnrolNow => Standing == TwoFactorStanding.Overdue;

    /// <summary>Within the grace period: show the reminder with <see cref="Deadline"/>.</summary>
    public bool Remind => Standing == TwoFactorStanding.Grace;

    /// <summary>Overdue at <paramref name="now"/>: as read, or a grace period that has run out since it was read.</summary>
    public bool OverdueAt(DateTime now) => MustEnrolNow || (Remind && Deadline <= now);
}

/// <summary>
/// The two-factor policy (docs/design.md §6.5), asked by every door: which people must use a second factor (anyone
/// holding a role in <see cref="SecuritySettings.TwoFactorRequiredRoles"/>), whether they have one, and their grace
/// period (<see cref="SecuritySettings.TwoFactorGracePeriodDays"/>), which runs from the moment the requirement first
/// applied to them without a second factor (<see cref="PortalUser.TwoFactorRequiredSince"/>). The portal's pages remind
/// them during it and open nothing but enrolment after it; the token endpoint and API tokens are refused after it.
/// </summary>
public sealed class TwoFactorPolicy(
    IDbContextFactory<PortalDbContext> contexts, SecuritySettingsStore settings, AccountStamps stamps, AuditTrail audit, TimeProvider clock)
{
    /// <summary>What a door tells a person whose grace period is over.</summary>
    public const string EnrolmentRequiredMessage =
        "Your role must sign in with two-factor and the grace period to set it up has ended: sign in to the portal and enrol an authenticator app on the account security page (/account/security).";

    /// <summary>
    /// The one question "has this person a second factor?", as a query, so one person (<see cref="AccountStamps"/>, the
    /// password's minimum length) and everyone at once (a policy change) are answered alike: two-factor sign-in is on,
    /// which <see cref="TwoFactorSignIn"/> and <see cref="Passkeys"/> keep true while the person has an authenticator app
    /// or a passkey (a passkey satisfies the requirement on its own); both <see cref="AccountStamps.Invalidate"/> the person.
    /// </summary>
    public static IQueryable<int> WithSecondFactor(PortalDbContext db) => db.Users.Where(u => u.TwoFactorEnabled).Select(u => u.Id);

    /// <summary>Has this person a second factor (<see cref="WithSecondFactor"/>)? Read from the database, not the cache.</summary>
    public async Task<bool> HasSecondFactorAsync(int userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await WithSecondFactor(db).ContainsAsync(userId, cancellationToken);
    }

    /// <summary>Must someone holding <paramref name="roles"/> use two-factor?</summary>
    public static bool IsRequired(SecuritySettings rules, IEnumerable<string> roles)
    {
        var required = rules.TwoFactorRoles();
        return roles.Any(required.Contains);
    }

    /// <summary>
    /// The rule itself: not required, satisfied, or without a second factor since <paramref name="requiredSince"/> (now,
    /// when not yet recorded) and so within or past the grace period.
    /// </summary>
    public static TwoFactorRequirement Evaluate(SecuritySettings rules, IEnumerable<string> roles, bool hasSecondFactor, DateTime? requiredSince, DateTime now)
    {
        if (!IsRequired(rules, roles)) return TwoFactorRequirement.None;
        if (hasSecondFactor) return new(TwoFactorStanding.Satisfied);
        var deadline = (requiredSince ?? now) + TimeSpan.FromDays(rules.TwoFactorGracePeriodDays);
        return new(now < deadline ? TwoFactorStanding.Grace : TwoFactorStanding.Overdue, deadline);
    }

    /// <summary>
    /// The person's standing as a door finds it (a portal page, a sign-in at the token endpoint, an API token): the
    /// first time the requirement is found to apply without a second factor, its start is stored (the grace period
    /// runs from then); the first time it is found overdue, the forced enrolment is audited
    /// (<see cref="AuditActions.TwoFactorEnrolmentRequired"/>, once); a start no longer needed is cleared. Served from
    /// the cached account state: nothing is written unless one of those changes.
    /// </summary>
    public async Task<TwoFactorRequirement> CheckInAsync(Actor actor, int userId, CancellationToken cancellationToken = default)
    {
        if (await stamps.GetAsync(userId, cancellationToken) is not { } stamp) return TwoFactorRequirement.None;
        var rules = await settings.GetAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var requirement = Evaluate(rules, stamp.Roles, stamp.HasSecondFactor, stamp.TwoFactorRequiredSince, now);
        var applies = requirement.Standing is TwoFactorStanding.Grace or TwoFactorStanding.Overdue;
        var recorded = stamp.TwoFactorRequiredSince is not null;
        if (applies == recorded && (!requirement.MustEnrolNow || stamp.TwoFactorEnforcementRecorded)) return requirement;

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mine = db.Users.Where(u => u.Id == userId);
        if (!applies)
        {
            await mine.Where(u => u.TwoFactorRequiredSince != null).ExecuteUpdateAsync(set => set
                .SetProperty(u => u.TwoFactorRequiredSince, (DateTime?)null)
                .SetProperty(u => u.TwoFactorEnforcementRecorded, false), cancellationToken);
            stamps.Invalidate(userId);
            return requirement;
        }
        if (!recorded)
        {
            await mine.Where(u => u.TwoFactorRequiredSince == null).ExecuteUpdateAsync(set => set.SetProperty(u => u.TwoFactorRequiredSince, now), cancellationToken);
            stamps.Invalidate(userId);
            // Another door (or instance) may have been first: its start is the one that counts.
            var since = await mine.Select(u => u.TwoFactorRequiredSince).FirstOrDefaultAsync(cancellationToken);
            requirement = Evaluate(rules, stamp.Roles, stamp.HasSecondFactor, since, now);
        }
        if (requirement.MustEnrolNow && !stamp.TwoFactorEnforcementRecorded)
        {
            var deadline = requirement.Deadline!.Value;
            await audit.CommitAsync(db, async token =>
            {
                // A conditional update: of two doors at once, one records it.
                var first = await mine.Where(u => !u.TwoFactorEnforcementRecorded)
                    .ExecuteUpdateAsync(set => set.SetProperty(u => u.TwoFactorEnforcementRecorded, true), token);
                return first == 1
                    ? [audit.Describe(actor, AuditActions.TwoFactorEnrolmentRequired, Catalog.AccountCatalog.Users.Resource, userId.ToString(CultureInfo.InvariantCulture),
                        ["twoFactor"], outcome: $"the two-factor grace period ended at {deadline:u}: enrolment is required before anything else")]
                    : [];
            }, cancellationToken);
            stamps.Invalidate(userId);
        }
        return requirement;
    }

    /// <summary>
    /// Keeps a person's grace-period start in step with new <paramref name="roles"/> (a role change): set now when they
    /// become required without a second factor, cleared when they no longer are. On a tracked user; the caller saves.
    /// </summary>
    public async Task FollowRolesAsync(PortalDbContext db, PortalUser user, IEnumerable<string> roles, CancellationToken cancellationToken = default)
    {
        var rules = await settings.GetAsync(cancellationToken);
        var applies = IsRequired(rules, roles) && !await WithSecondFactor(db).ContainsAsync(user.Id, cancellationToken);
        if (applies && user.TwoFactorRequiredSince is null)
        {
            user.TwoFactorRequiredSince = clock.GetUtcNow().UtcDateTime;
        }
        else if (!applies)
        {
            Lift(user);
        }
    }

    /// <summary>The person has a second factor now (enrolment) or is no longer required: no grace period runs.</summary>
    public static void Lift(PortalUser user)
    {
        user.TwoFactorRequiredSince = null;
        user.TwoFactorEnforcementRecorded = false;
    }

    /// <summary>
    /// Brings everyone's grace-period start in step with changed policy <paramref name="rules"/>, in the caller's
    /// transaction (the settings change): everyone newly required without a second factor starts theirs at
    /// <paramref name="now"/>, everyone no longer required has theirs cleared. The caller then invalidates every
    /// account's cached state (<see cref="AccountStamps.InvalidateAll"/>).
    /// </summary>
    internal static async Task FollowPolicyAsync(PortalDbContext db, SecuritySettings rules, DateTime now, CancellationToken cancellationToken)
    {
        var roles = rules.TwoFactorRoles().ToList();
        var required = from membership in db.UserRoles
                       join role in db.Roles on membership.RoleId equals role.Id
                       where roles.Contains(role.Name!)
                       select membership.UserId;
        var withSecondFactor = WithSecondFactor(db);
        await db.Users.Where(u => u.TwoFactorRequiredSince == null && required.Contains(u.Id) && !withSecondFactor.Contains(u.Id))
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.TwoFactorRequiredSince, now), cancellationToken);
        await db.Users.Where(u => u.TwoFactorRequiredSince != null && (!required.Contains(u.Id) || withSecondFactor.Contains(u.Id)))
            .ExecuteUpdateAsync(set => set
                .SetProperty(u => u.TwoFactorRequiredSince, (DateTime?)null)
                .SetProperty(u => u.TwoFactorEnforcementRecorded, false), cancellationToken);
    }
}
