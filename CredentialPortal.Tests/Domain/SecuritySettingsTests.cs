using CredentialPortal.Domain;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Domain;

public class SecuritySettingsTests
{
    [Fact]
    public async Task Settings_are_stored_validated_audited_and_take_effect_at_once()
    {
        using var host = new DomainHost();
        var store = host.Services.GetRequiredService<SecuritySettingsStore>();
        var admin = DomainHost.Admin;
        var settings = await store.GetAsync();
        Assert.Equal(15, settings.PasswordMinLengthWithoutTwoFactor);
        Assert.Equal(12, settings.PasswordMinLengthWithTwoFactor);
        Assert.Equal(5, settings.PasswordHistory);

        settings.PasswordMinLengthWithTwoFactor = 4;
        settings.PasswordMinLengthWithoutTwoFactor = 3;
        settings.PasswordMaxLength = 2;
        var invalid = await store.UpdateAsync(admin, settings);
        Assert.Equal(DomainStatus.Invalid, invalid.Status);
        Assert.Equal(["passwordMaxLength", "passwordMinLengthWithTwoFactor", "passwordMinLengthWithoutTwoFactor"], invalid.Errors!.ByProperty.Keys.Order(StringComparer.Ordinal));

        // Without two-factor a password may not be shorter than with it.
        settings = await store.GetAsync();
        settings.PasswordMinLengthWithTwoFactor = 16;
        var inverted = await store.UpdateAsync(admin, settings);
        Assert.Equal(["passwordMinLengthWithoutTwoFactor"], inverted.Errors!.ByProperty.Keys);

        settings = await store.GetAsync();
        settings.PasswordMinLengthWithoutTwoFactor = 20;
        settings.RequireCharacterClasses = true;
        var saved = await store.UpdateAsync(admin, settings);
        Assert.Equal(DomainStatus.Ok, saved.Status);

        // The next password check uses the new rule; a stale copy of the settings is refused.
        var refused = await host.People.SetPasswordAsync(DomainHost.Vault, 16, "new plain password");
        Assert.Contains("password.too_short", refused.Errors!.Codes);
        Assert.Contains("password.too_few_character_classes", refused.Errors.Codes);
        Assert.Equal(DomainStatus.PreconditionFailed, (await store.UpdateAsync(admin, settings)).Status);

        await using var db = host.CreateDbContext();
        Assert.Equal(20, (await db.SecuritySettings.SingleAsync()).PasswordMinLengthWithoutTwoFactor);
        var record = await db.AuditRecords.SingleAsync(r => r.Action == AuditActions.PolicyChanged);
        Assert.Equal("passwordMinLengthWithoutTwoFactor,requireCharacterClasses", record.Properties);
        Assert.Contains("\"old\":15", record.Changes);
        Assert.Contains("\"new\":20", record.Changes);
    }

    [Fact]
    public async Task Two_factor_roles_and_grace_period_are_validated_and_every_change_is_audited_old_to_new()
    {
        using var host = new DomainHost();
        var store = host.Services.GetRequiredService<SecuritySettingsStore>();
        var settings = await store.GetAsync();
        Assert.Equal("Administrator, Helpdesk, Auditor", settings.TwoFactorRequiredRoles);
        Assert.Equal(7, settings.TwoFactorGracePeriodDays);

        // Only the domain's role names, each once; a grace period of 0 to 90 days.
        foreach (var (roles, grace, wrong) in new[]
                 {
                     ("Administrator, Superuser", 7, "twoFactorRequiredRoles"),
                     ("Administrator, Administrator", 7, "twoFactorRequiredRoles"),
                     ("Administrator", 91, "twoFactorGracePeriodDays"),
                     ("Administrator", -1, "twoFactorGracePeriodDays"),
                 })
        {
            var proposed = await store.GetAsync();
            proposed.TwoFactorRequiredRoles = roles;
            proposed.TwoFactorGracePeriodDays = grace;
            var refused = await store.UpdateAsync(DomainHost.Admin, proposed);
            Assert.Equal(DomainStatus.Invalid, refused.Status);
            Assert.Equal([wrong], refused.Errors!.ByProperty.Keys);
        }
        var unknown = await store.GetAsync();
        unknown.TwoFactorRequiredRoles = "Administrator, Superuser";
        Assert.Contains("Superuser", string.Join(" ", (await store.UpdateAsync(DomainHost.Admin, unknown)).Errors!.ByProperty["twoFactorRequiredRoles"]));
        // Refusals change nothing and are not audited.
        await using (var db = host.CreateDbContext()) Assert.False(await db.AuditRecords.AnyAsync(r => r.Action == AuditActions.PolicyChanged));

        settings = await store.GetAsync();
        settings.TwoFactorRequiredRoles = SecuritySettings.JoinRoles([CredentialPortal.Domain.Access.PortalRoles.Integrator, CredentialPortal.Domain.Access.PortalRoles.Administrator]);
        settings.TwoFactorGracePeriodDays = 90;
        Assert.Equal(DomainStatus.Ok, (await store.UpdateAsync(DomainHost.Admin, settings)).Status);
        settings = await store.GetAsync();
        settings.TwoFactorGracePeriodDays = 0;
        Assert.Equal(DomainStatus.Ok, (await store.UpdateAsync(DomainHost.Admin, settings)).Status);

        await using var after = host.CreateDbContext();
        var stored = await after.SecuritySettings.SingleAsync();
        Assert.Equal("Administrator, Integrator", stored.TwoFactorRequiredRoles); // in the domain's order, whatever the order chosen
        Assert.Equal(0, stored.TwoFactorGracePeriodDays);
        var records = await after.AuditRecords.Where(r => r.Action == AuditActions.PolicyChanged).OrderBy(r => r.Sequence).ToListAsync();
        Assert.Equal(2, records.Count);
        Assert.Equal("twoFactorRequiredRoles,twoFactorGracePeriodDays", records[0].Properties);
        Assert.Contains("\"old\":\"Administrator, Helpdesk, Auditor\"", records[0].Changes);
        Assert.Contains("\"new\":\"Administrator, Integrator\"", records[0].Changes);
        Assert.Contains("\"old\":7", records[0].Changes);
        Assert.Equal("twoFactorGracePeriodDays", records[1].Properties);
        Assert.Contains("\"old\":90", records[1].Changes);
        Assert.Contains("\"new\":0", records[1].Changes);
        Assert.All(records, r => Assert.Equal("admin", r.ActorName));
    }
}
