using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Settings;
using CredentialPortal.Domain.TwoFactor;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Domain;

/// <summary>The two-factor policy's rule itself: who is required by default, and where the grace period ends.</summary>
public class TwoFactorPolicyRuleTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 9, 30, 0, DateTimeKind.Utc);

    [Fact]
    public async Task By_default_administrators_helpdesk_and_auditors_must_use_two_factor_and_integrators_need_not()
    {
        var defaults = new SecuritySettings();
        Assert.Equal([PortalRoles.Administrator, PortalRoles.Helpdesk, PortalRoles.Auditor], SecuritySettings.RoleNames(defaults.TwoFactorRequiredRoles));
        Assert.Equal(7, defaults.TwoFactorGracePeriodDays);
        Assert.True(TwoFactorPolicy.IsRequired(defaults, [PortalRoles.Administrator]));
        Assert.True(TwoFactorPolicy.IsRequired(defaults, [PortalRoles.Helpdesk]));
        Assert.True(TwoFactorPolicy.IsRequired(defaults, [PortalRoles.Auditor]));
        Assert.True(TwoFactorPolicy.IsRequired(defaults, [PortalRoles.Integrator, PortalRoles.Auditor])); // any role in the set
        Assert.False(TwoFactorPolicy.IsRequired(defaults, [PortalRoles.Integrator]));
        Assert.False(TwoFactorPolicy.IsRequired(defaults, [])); // machine users and people without a portal role

        // The stored row of a new database holds the same defaults.
        using var host = new DomainHost();
        var stored = await host.Services.GetRequiredService<SecuritySettingsStore>().GetAsync();
        Assert.Equal(defaults.TwoFactorRequiredRoles, stored.TwoFactorRequiredRoles);
        Assert.Equal(7, stored.TwoFactorGracePeriodDays);
    }

    [Fact]
    public void The_grace_period_runs_from_when_the_requirement_first_applied_and_a_second_factor_ends_it()
    {
        var rules = new SecuritySettings();
        string[] helpdesk = [PortalRoles.Helpdesk];

        var fresh = TwoFactorPolicy.Evaluate(rules, helpdesk, hasSecondFactor: false, requiredSince: null, Now);
        Assert.Equal(TwoFactorStanding.Grace, fresh.Standing);
        Assert.Equal(Now.AddDays(7), fresh.Deadline); // not yet recorded: it starts now

        var lastMoment = TwoFactorPolicy.Evaluate(rules, helpdesk, false, Now.AddDays(-7).AddSeconds(1), Now);
        Assert.True(lastMoment.Remind);
        Assert.False(lastMoment.OverdueAt(Now));
        Assert.True(lastMoment.OverdueAt(Now.AddSeconds(1)));

        var over = TwoFactorPolicy.Evaluate(rules, helpdesk, false, Now.AddDays(-7), Now);
        Assert.True(over.MustEnrolNow);
        Assert.Equal(Now, over.Deadline);

        Assert.Equal(TwoFactorStanding.Satisfied, TwoFactorPolicy.Evaluate(rules, helpdesk, true, Now.AddDays(-30), Now).Standing);
        Assert.Equal(TwoFactorStanding.NotRequired, TwoFactorPolicy.Evaluate(rules, [PortalRoles.Integrator], false, Now.AddDays(-30), Now).Standing);

        // No grace at all: enforced at once.
        var immediate = new SecuritySettings { TwoFactorGracePeriodDays = 0 };
        Assert.True(TwoFactorPolicy.Evaluate(immediate, helpdesk, false, null, Now).MustEnrolNow);
    }
}
