using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Settings;

/// <summary>
/// Reads the security settings once and keeps them in memory (every password check and verification needs them);
/// a change goes through <see cref="UpdateAsync"/>, which validates, audits and refreshes the copy.
/// </summary>
public sealed class SecuritySettingsStore
{
    private const string Topic = "settings";

    private readonly IDbContextFactory<PortalDbContext> contexts;
    private readonly IValidator<SecuritySettings> validator;
    private readonly AuditTrail audit;
    private readonly ClusterSignals signals;
    private readonly Users.AccountStamps stamps;
    private readonly TimeProvider clock;
    private volatile SecuritySettings? current;

    public SecuritySettingsStore(IDbContextFactory<PortalDbContext> contexts, IValidator<SecuritySettings> validator, AuditTrail audit, ClusterSignals signals,
        Users.AccountStamps stamps, TimeProvider clock)
    {
        (this.contexts, this.validator, this.audit, this.signals, this.stamps, this.clock) = (contexts, validator, audit, signals, stamps, clock);
        // Another instance changed them: read them again on next use.
        signals.Subscribe(Topic, _ => current = null, () => current = null);
    }

    /// <summary>A copy of the current settings; changing it changes nothing until passed to <see cref="UpdateAsync"/>.</summary>
    public async ValueTask<SecuritySettings> GetAsync(CancellationToken cancellationToken = default)
    {
        if (current is { } cached) return cached.Copy();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var loaded = await db.SecuritySettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? new SecuritySettings();
        current = loaded;
        return loaded.Copy();
    }

    /// <summary>
    /// Validates and saves new settings; every changed rule is audited with old→new. Stale copies get a conflict. A change
    /// of the roles that must use two-factor starts (or ends) the grace period of everyone it concerns, in the same
    /// transaction (<see cref="TwoFactor.TwoFactorPolicy"/>).
    /// </summary>
    public async Task<DomainResult<SecuritySettings>> UpdateAsync(Actor actor, SecuritySettings proposed, CancellationToken cancellationToken = default)
    {
        if (actor.Refuse<SecuritySettings>(Permission.ManageSettings) is { } refused) return refused;
        var validation = await validator.ValidateAsync(proposed, cancellationToken);
        if (!validation.IsValid)
        {
            return DomainResult<SecuritySettings>.Invalid(DomainErrors.From(validation, System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName));
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.SecuritySettings.SingleOrDefaultAsync(cancellationToken);
        if (stored is null)
        {
            stored = new SecuritySettings();
            db.SecuritySettings.Add(stored);
        }
        if (stored.Version != proposed.Version)
        {
            return DomainResult<SecuritySettings>.PreconditionFailed("The settings were changed by someone else. Reload them and try again.");
        }

        var changes = new Dictionary<string, (object?, object?)>();
        foreach (var property in typeof(SecuritySettings).GetProperties().Where(p => p.CanWrite && p.Name is not (nameof(SecuritySettings.Id) or nameof(SecuritySettings.Version))))
        {
            var before = property.GetValue(stored);
            var after = property.GetValue(proposed);
            if (!Equals(before, after))
            {
                changes[System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(property.Name)] = (before, after);
                property.SetValue(stored, after);
            }
        }
        if (changes.Count == 0)
        {
            return DomainResult<SecuritySettings>.Ok(stored.Copy());
        }
        stored.Version++;
        var record = audit.Describe(actor, AuditActions.PolicyChanged, "settings", "security", changes.Keys, changes);
        var twoFactorRoles = changes.ContainsKey(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(nameof(SecuritySettings.TwoFactorRequiredRoles)));
        if (twoFactorRoles)
        {
            await audit.CommitAsync(db, async token =>
            {
                await TwoFactor.TwoFactorPolicy.FollowPolicyAsync(db, stored, clock.GetUtcNow().UtcDateTime, token);
                return [record];
            }, cancellationToken);
        }
        else
        {
            await audit.CommitAsync(db, [record], cancellationToken);
        }
        current = stored.Copy();
        if (twoFactorRoles) stamps.InvalidateAll(); // whose grace period runs changed with it
        await signals.PublishAsync(Topic, stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
        return DomainResult<SecuritySettings>.Ok(stored.Copy());
    }
}
