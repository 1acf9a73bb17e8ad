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
        Assert.Equal(12, settings.PasswordMinLength);
        Assert.Equal(5, settings.PasswordHistory);

        settings.PasswordMinLength = 4;
        settings.PasswordMaxLength = 2;
        var invalid = await store.UpdateAsync(admin, settings);
        Assert.Equal(DomainStatus.Invalid, invalid.Status);
        Assert.Equal(["passwordMaxLength", "passwordMinLength"], invalid.Errors!.ByProperty.Keys.Order());

        settings = await store.GetAsync();
        settings.PasswordMinLength = 20;
        settings.RequireCharacterClasses = true;
        var saved = await store.UpdateAsync(admin, settings);
        Assert.Equal(DomainStatus.Ok, saved.Status);

        // The next password check uses the new rule; a stale copy of the settings is refused.
        var refused = await host.People.SetPasswordAsync(DomainHost.Vault, 16, "new plain password");
        Assert.Contains("password.too_short", refused.Errors!.Codes);
        Assert.Contains("password.too_few_character_classes", refused.Errors.Codes);
        Assert.Equal(DomainStatus.PreconditionFailed, (await store.UpdateAsync(admin, settings)).Status);

        await using var db = host.CreateDbContext();
        Assert.Equal(20, (await db.SecuritySettings.SingleAsync()).PasswordMinLength);
        var record = await db.AuditRecords.SingleAsync(r => r.Action == AuditActions.PolicyChanged);
        Assert.Equal("passwordMinLength,requireCharacterClasses", record.Properties);
        Assert.Contains("\"old\":12", record.Changes);
        Assert.Contains("\"new\":20", record.Changes);
    }
}
