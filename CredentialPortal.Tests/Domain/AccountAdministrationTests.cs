using CredentialPortal.Domain;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Domain;

public class AccountAdministrationTests
{
    private static readonly Actor Admin = DomainHost.Admin;

    [Fact]
    public async Task Unlock_enable_and_roles_are_checked_audited_and_revoke_old_stamps()
    {
        using var host = new DomainHost();
        var people = host.People;
        using (var scope = host.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var anna = (await users.FindByIdAsync("10"))!;
            for (var i = 0; i < 5; i++) await users.AccessFailedAsync(anna);
        }

        var locked = await people.ListAsync(new UserQuery(LockedOut: true), 0, 100);
        Assert.Equal([10], locked.Items.Select(u => u.Id));
        Assert.Equal(DomainStatus.Ok, (await people.UnlockAsync(Admin, 10)).Status);
        Assert.Equal(DomainStatus.Invalid, (await people.UnlockAsync(Admin, 10)).Status); // not locked any more
        Assert.Empty((await people.ListAsync(new UserQuery(LockedOut: true), 0, 100)).Items);

        var stamp = (await host.Services.GetRequiredService<AccountStamps>().GetAsync(10))!.SecurityStamp;
        Assert.Equal(DomainStatus.Ok, (await people.SetEnabledAsync(Admin, 10, false)).Status);
        Assert.False((await people.GetAsync(10))!.Enabled);
        Assert.NotEqual(stamp, (await host.Services.GetRequiredService<AccountStamps>().GetAsync(10))!.SecurityStamp);
        Assert.Equal([10], (await people.ListAsync(new UserQuery(Enabled: false), 0, 100)).Items.Select(u => u.Id));
        Assert.Equal(DomainStatus.Invalid, (await people.SetEnabledAsync(Admin, 1, false)).Status); // not yourself

        Assert.Equal(DomainStatus.Ok, (await people.SetRolesAsync(Admin, 10, ["Helpdesk", "Auditor"])).Status);
        Assert.Equal(["Auditor", "Helpdesk"], (await people.GetRolesAsync(10)).Order());
        Assert.Equal(DomainStatus.Invalid, (await people.SetRolesAsync(Admin, 10, ["Overlord"])).Status);
        Assert.Equal(DomainStatus.Invalid, (await people.SetRolesAsync(Admin, 1, ["Auditor"])).Status); // keep your own admin role

        await using var db = host.CreateDbContext();
        var actions = await db.AuditRecords.Where(r => r.EntityId == "10" && r.ActorName == "admin").OrderBy(r => r.Sequence).Select(r => r.Action).ToListAsync();
        Assert.Equal([AuditActions.Unlocked, AuditActions.AccountDisabled, AuditActions.RoleChanged], actions);
        var roleChange = await db.AuditRecords.SingleAsync(r => r.Action == AuditActions.RoleChanged && r.EntityId == "10");
        Assert.Contains("Auditor, Helpdesk", roleChange.Changes);
    }

    [Fact]
    public async Task People_are_filtered_and_sorted_in_the_database()
    {
        using var host = new DomainHost();
        var directory = await host.People.ListAsync(new UserQuery(Source: PeopleCredentials.SourceActiveDirectory), 0, 100);
        Assert.Equal([17, 18], directory.Items.Select(u => u.Id));
        var byName = await host.People.ListAsync(new UserQuery(SortBy: "loginName", Descending: true), 0, 3);
        Assert.Equal(["ivan.petrov", "integrator", "helpdesk"], byName.Items.Select(u => u.LoginName));
        Assert.Equal(13, byName.Total);
        var oldestFirst = await host.People.ListAsync(new UserQuery(Source: PeopleCredentials.SourceLocal, SortBy: "lastPasswordChange"), 0, 1);
        Assert.Equal(14, oldestFirst.Items.Single().Id); // changed 200 days ago
    }
}
