using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.TwoFactor;
using CredentialPortal.Domain.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace CredentialPortal.Tests.Domain;

/// <summary>
/// Step-up's answers (docs/design.md §6.9) below the browser: a current authenticator code (once), whose passkey
/// assertion counts, and what the receipt the HTTP half hands the portal tab vouches for. The browser flows (password,
/// passkey) are in OpenSessionBrowserTests.
/// </summary>
public sealed class StepUpTests
{
    private static readonly Actor Admin = DomainHost.Admin;
    private static readonly Actor Helpdesk = new(2, "helpdesk", Door.UI, "127.0.0.1") { Roles = [CredentialPortal.Domain.Access.PortalRoles.Helpdesk] };

    private static UserPasskeyInfo Passkey(byte seed) =>
        new([seed, 1, 2, 3], [seed, 9, 9], DateTimeOffset.UnixEpoch, 1, ["internal"], isUserVerified: true, isBackupEligible: false, isBackedUp: false, [1], [2]);

    private static async Task<PortalUser> UserAsync(DomainHost host, int id)
    {
        using var scope = host.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(id.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
    }

    [Fact]
    public async Task A_current_authenticator_code_confirms_once_and_a_replay_or_a_stale_code_is_refused()
    {
        var clock = new ManualClock();
        using var host = new DomainHost(clock: clock);
        var stepUp = host.Services.GetRequiredService<StepUp>();
        var twoFactor = host.Services.GetRequiredService<TwoFactorSignIn>();
        var key = (await twoFactor.BeginAsync(Admin)).Value!.Key;
        var totp = new Totp(Base32Encoding.ToBytes(key));
        Assert.True((await twoFactor.ConfirmAsync(Admin, totp.ComputeTotp(clock.GetUtcNow().UtcDateTime))).Succeeded);
        clock.Advance(TimeSpan.FromSeconds(30)); // the enrolment's code is spent

        var code = totp.ComputeTotp(clock.GetUtcNow().UtcDateTime);
        Assert.True((await stepUp.ConfirmAsync(Admin, SensitiveChange.Lockout, code)).Succeeded);
        var replay = await stepUp.ConfirmAsync(Admin, SensitiveChange.Lockout, code);
        Assert.Contains("not your password or a current code", Assert.Single(replay.Errors!.ByProperty["secret"]));
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.False((await stepUp.ConfirmAsync(Admin, SensitiveChange.Lockout, totp.ComputeTotp(clock.GetUtcNow().UtcDateTime.AddMinutes(-5)))).Succeeded);

        await using var db = host.CreateDbContext();
        var records = await db.AuditRecords.Where(r => r.Action == AuditActions.StepUp).OrderBy(r => r.Sequence).ToListAsync();
        Assert.Equal(["confirmed with the authenticator code (before a change of a lockout)", "refused: wrong password or code (before a change of a lockout)",
            "refused: wrong password or code (before a change of a lockout)"], records.Select(r => r.Outcome));
        Assert.DoesNotContain(records, r => (r.Outcome + r.Properties).Contains(code, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_the_persons_own_verified_passkey_confirms_and_every_refusal_counts_toward_the_lockout()
    {
        using var host = new DomainHost();
        var stepUp = host.Services.GetRequiredService<StepUp>();
        var someoneElse = await UserAsync(host, 2);

        var forged = await stepUp.ConfirmWithPasskeyAsync(Admin, SensitiveChange.Roles, PasskeyAssertionResult.Fail<PortalUser>(new PasskeyException("bad signature")));
        Assert.False(forged.Succeeded);
        Assert.Contains("not accepted", Assert.Single(forged.Errors!.ByProperty["passkey"]));
        var theirs = await stepUp.ConfirmWithPasskeyAsync(Admin, SensitiveChange.Roles, PasskeyAssertionResult.Success(Passkey(7), someoneElse));
        Assert.False(theirs.Succeeded);

        Assert.Equal(2, (await UserAsync(host, 1)).AccessFailedCount);
        await using var db = host.CreateDbContext();
        Assert.Equal(["refused: passkey not accepted (before a change of roles)", "refused: passkey not accepted (before a change of roles)"],
            await db.AuditRecords.Where(r => r.Action == AuditActions.StepUp).OrderBy(r => r.Sequence).Select(r => r.Outcome).ToListAsync());
        Assert.Empty(await db.Set<IdentityUserPasskey<int>>().ToListAsync()); // nobody's passkey was stored or updated
    }

    [Fact]
    public async Task A_receipt_vouches_for_its_person_and_change_for_one_minute_only()
    {
        var clock = new ManualClock();
        using var host = new DomainHost(clock: clock);
        var stepUp = host.Services.GetRequiredService<StepUp>();
        var confirmed = await stepUp.ConfirmWithPasskeyAsync(Admin, SensitiveChange.Roles, PasskeyAssertionResult.Success(Passkey(5), await UserAsync(host, 1)));
        Assert.True(confirmed.Succeeded);
        var receipt = confirmed.Value!;
        var at = clock.GetUtcNow();

        Assert.DoesNotContain("admin", receipt, StringComparison.OrdinalIgnoreCase); // sealed, not readable
        Assert.Null(stepUp.RedeemPasskeyReceipt(Helpdesk, SensitiveChange.Roles, receipt));
        Assert.Null(stepUp.RedeemPasskeyReceipt(Admin, SensitiveChange.SecuritySettings, receipt));
        Assert.Null(stepUp.RedeemPasskeyReceipt(Admin, SensitiveChange.Roles, receipt[..^2] + "AA"));
        Assert.Null(stepUp.RedeemPasskeyReceipt(Admin, SensitiveChange.Roles, null));
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(at.ToUnixTimeMilliseconds(), stepUp.RedeemPasskeyReceipt(Admin, SensitiveChange.Roles, receipt)?.ToUnixTimeMilliseconds());
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(stepUp.RedeemPasskeyReceipt(Admin, SensitiveChange.Roles, receipt));

        await using var db = host.CreateDbContext();
        Assert.Equal("confirmed with a passkey (before a change of roles)", (await db.AuditRecords.SingleAsync(r => r.Action == AuditActions.StepUp)).Outcome);
        Assert.Single(await db.Set<IdentityUserPasskey<int>>().Where(p => p.UserId == 1).ToListAsync()); // its signature counter is kept
    }
}
