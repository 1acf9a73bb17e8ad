using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Users;
using CredentialPortal.Domain.Verification;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Domain;

/// <summary>Every lock and unlock is an audit record: set, lifted, and run out (noticed by the sweep), with a manual clock.</summary>
public sealed class LockoutEventTests
{
    private static readonly Actor Guesser = new(4343, "guesser", Door.API, "10.9.9.9") { Roles = [CredentialPortal.Domain.Access.PortalRoles.Integrator] };
    private static readonly Actor Admin = DomainHost.Admin;

    private static async Task<List<AuditRecord>> RecordsAsync(DomainHost host, string action)
    {
        await using var db = host.CreateDbContext();
        return await db.AuditRecords.AsNoTracking().Where(r => r.Action == action).OrderBy(r => r.Sequence).ToListAsync();
    }

    [Fact]
    public async Task A_verification_lockout_is_recorded_when_set_when_lifted_and_once_when_it_runs_out()
    {
        var clock = new ManualClock();
        using var host = new DomainHost(clock: clock);
        var sweep = host.Services.GetRequiredService<LockoutExpirySweep>();
        for (var i = 0; i < 5; i++) await host.People.VerifyAsync(Guesser, 16, "wrong");
        Assert.True(host.Lockout.IsLockedOut(Guesser.Key, out var until));
        Assert.Equal("4343", Assert.Single(await RecordsAsync(host, AuditActions.LockedOut)).EntityId);

        Assert.Equal(0, await sweep.SweepAsync()); // still in force
        clock.Advance(until - clock.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await sweep.SweepAsync());
        var expired = Assert.Single(await RecordsAsync(host, AuditActions.LockoutExpired));
        Assert.Equal(("users", "4343", Door.System), (expired.EntityType, expired.EntityId, expired.Door));
        Assert.Contains("verification lockout of guesser ended", expired.Outcome);
        Assert.Equal(0, await sweep.SweepAsync()); // recorded once

        // Locked again and lifted by an administrator: a lift, not an expiry.
        for (var i = 0; i < 5; i++) await host.People.VerifyAsync(Guesser, 16, "wrong");
        var active = Assert.Single(await host.Lockout.ListActiveAsync());
        Assert.True((await host.Lockout.LiftAsync(Admin, active.Id)).Value);
        Assert.Single(await RecordsAsync(host, AuditActions.Unlocked));
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await sweep.SweepAsync());
        Assert.Equal(2, (await RecordsAsync(host, AuditActions.LockedOut)).Count);
    }

    [Fact]
    public async Task A_sign_in_lockout_is_recorded_when_set_when_lifted_and_when_it_runs_out_and_so_are_disable_and_enable()
    {
        var clock = new ManualClock();
        using var host = new DomainHost(clock: clock);
        var sweep = host.Services.GetRequiredService<LockoutExpirySweep>();
        async Task WrongPasswordsAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                await using var scope = host.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<PortalSignInManager>().CheckCredentialsAsync("helpdesk", "wrong password", Door.API, "10.0.0.7", "c");
            }
        }
        async Task<PortalUser> HelpdeskAsync()
        {
            await using var scope = host.Services.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync("helpdesk"))!;
        }

        await WrongPasswordsAsync(4);
        Assert.Empty(await RecordsAsync(host, AuditActions.SignInLockedOut));
        await WrongPasswordsAsync(1);
        var helpdesk = await HelpdeskAsync();
        Assert.NotNull(helpdesk.LockoutEnd);
        var set = Assert.Single(await RecordsAsync(host, AuditActions.SignInLockedOut));
        Assert.Equal(helpdesk.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), set.EntityId);
        await WrongPasswordsAsync(1); // refused while locked: not a second "set"
        Assert.Single(await RecordsAsync(host, AuditActions.SignInLockedOut));

        // Lifted early by an administrator, then locked again and left to run out.
        Assert.True((await host.People.UnlockAsync(Admin, helpdesk.Id)).Succeeded);
        Assert.Contains(await RecordsAsync(host, AuditActions.Unlocked), r => r.EntityId == set.EntityId);
        await WrongPasswordsAsync(5);
        Assert.Equal(2, (await RecordsAsync(host, AuditActions.SignInLockedOut)).Count);
        helpdesk = await HelpdeskAsync();

        Assert.Equal(0, await sweep.SweepAsync());
        clock.Advance(helpdesk.LockoutEnd!.Value - clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await sweep.SweepAsync());
        Assert.Contains("sign-in lockout of helpdesk ended", Assert.Single(await RecordsAsync(host, AuditActions.SignInLockoutExpired)).Outcome);
        Assert.Null((await HelpdeskAsync()).LockoutEnd);
        Assert.Equal(0, await sweep.SweepAsync());

        Assert.True((await host.People.SetEnabledAsync(Admin, helpdesk.Id, false)).Succeeded);
        Assert.True((await host.People.SetEnabledAsync(Admin, helpdesk.Id, true)).Succeeded);
        Assert.Equal(set.EntityId, Assert.Single(await RecordsAsync(host, AuditActions.AccountDisabled)).EntityId);
        Assert.Equal(set.EntityId, Assert.Single(await RecordsAsync(host, AuditActions.AccountEnabled)).EntityId);

        // The audit view's "Lockout" family shows all of them, and nothing else.
        var (items, _) = await host.Services.GetRequiredService<AuditQueries>().ListAsync(new AuditQuery(Family: "lockout"), 0, 1000);
        Assert.Equal(
            new[] { AuditActions.SignInLockedOut, AuditActions.Unlocked, AuditActions.SignInLockedOut, AuditActions.SignInLockoutExpired, AuditActions.AccountDisabled, AuditActions.AccountEnabled },
            items.Reverse().Select(r => r.Action));
    }
}
