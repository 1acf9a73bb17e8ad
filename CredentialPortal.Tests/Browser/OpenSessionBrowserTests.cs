using System.Net;
using System.Text.RegularExpressions;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Users;
using CredentialPortal.Tests.Api;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>
/// What happens to a tab that is already open: it ends when left idle past the session timeout, and within the
/// revalidation interval when the person loses their role or their account is disabled. The portal here runs on a
/// manual clock (idle time is moved by hand) and rechecks open tabs every second.
/// </summary>
public class OpenSessionBrowserTests(OpenSessionBrowserTests.Portal browser) : IClassFixture<OpenSessionBrowserTests.Portal>
{
    public sealed class Portal : BrowserFixture
    {
        public Portal() : this(new ManualClock()) { }

        private Portal(ManualClock clock) : base(
            new PortalAppFactory(
                overrides: new Dictionary<string, string?> { ["Portal:SessionRevalidationInterval"] = "00:00:01" },
                services: s => s.AddSingleton<TimeProvider>(clock)),
            "open-session-portal.log") => Clock = clock;

        public ManualClock Clock { get; }
    }

    private static readonly Regex SignInPage = new("/account/login");

    private async Task<IPage> OpenAsync(string loginName, string password, string path)
    {
        var page = await browser.NewPageAsync();
        await browser.SignInToDashboardAsync(page, loginName, password);
        await page.GotoAsync(path);
        await BrowserFixture.WaitForInteractivityAsync(page);
        return page;
    }

    [Fact]
    public async Task An_idle_tab_is_signed_out_after_the_timeout_and_a_used_one_stays()
    {
        var page = await OpenAsync("admin", PortalAppFactory.AdminPassword, "/users");

        // 20 minutes idle, then typing, then 20 more: 40 minutes open but never 30 idle.
        browser.Clock.Advance(TimeSpan.FromMinutes(20));
        await page.GetByTestId("user-search").FillAsync("adm");
        await Assertions.Expect(page.GetByTestId("user-link").First).ToHaveTextAsync("admin");
        browser.Clock.Advance(TimeSpan.FromMinutes(20));
        await Task.Delay(TimeSpan.FromSeconds(3)); // three revalidations
        Assert.EndsWith("/users", page.Url);
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToBeVisibleAsync();

        // 31 minutes without a click or a key: the next revalidation ends the session and sends the tab to sign in.
        browser.Clock.Advance(TimeSpan.FromMinutes(31));
        await page.WaitForURLAsync(SignInPage);
        await Assertions.Expect(page.GetByLabel("User name")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Losing_the_role_or_the_account_ends_the_open_tab_and_the_api_token_at_once()
    {
        var services = browser.Portal.Services;
        int helpdeskId, auditorId, adminId;
        using (var scope = services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            helpdeskId = (await users.FindByNameAsync("helpdesk"))!.Id;
            auditorId = (await users.FindByNameAsync("auditor"))!.Id;
            adminId = (await users.FindByNameAsync("admin"))!.Id;
        }
        var helpdeskTab = await OpenAsync("helpdesk", PortalAppFactory.DemoPassword, "/users");
        var auditorTab = await OpenAsync("auditor", PortalAppFactory.DemoPassword, "/audit");
        var helpdeskApi = await ApiSession.SignInAsync(browser.BaseAddress, "helpdesk", PortalAppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, (await helpdeskApi.GetAsync("users?limit=1")).StatusCode);

        var people = services.GetRequiredService<PeopleCredentials>();
        var admin = new Actor(adminId, "admin", Door.UI) { Roles = [CredentialPortal.Domain.Access.PortalRoles.Administrator] };
        Assert.True((await people.SetRolesAsync(admin, helpdeskId, [])).Succeeded);
        Assert.True((await people.SetEnabledAsync(admin, auditorId, false)).Succeeded);

        // The API refuses the old token on the very next request; the tabs follow within the revalidation interval.
        Assert.Equal(HttpStatusCode.Unauthorized, (await helpdeskApi.GetAsync("users?limit=1")).StatusCode);
        await helpdeskTab.WaitForURLAsync(SignInPage);
        await auditorTab.WaitForURLAsync(SignInPage);

        // And neither can come back in through the form.
        await browser.SignInAsync(auditorTab, "auditor", PortalAppFactory.DemoPassword);
        await Assertions.Expect(auditorTab.GetByTestId("login-error")).ToBeVisibleAsync();
        Assert.Matches(SignInPage, auditorTab.Url);
        lock (browser.PageErrors) Assert.True(browser.PageErrors.Count == 0, string.Join("\n", browser.PageErrors));
    }

    [Fact]
    public async Task A_change_of_roles_after_the_step_up_window_asks_for_the_password_again_and_the_answer_covers_the_next_five_minutes()
    {
        var page = await OpenAsync("admin", PortalAppFactory.AdminPassword, "/users/11");
        async Task<ILocator> OpenRolesAsync()
        {
            await page.GetByTestId("edit-roles").ClickAsync();
            return page.GetByRole(AriaRole.Dialog);
        }

        // Just signed in: the sign-in is the confirmation.
        await Assertions.Expect((await OpenRolesAsync()).GetByTestId("roles-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("roles-cancel").ClickAsync();

        // Six minutes later the portal asks again; a wrong answer is refused by the field, the right one goes on.
        browser.Clock.Advance(TimeSpan.FromMinutes(6));
        var stepUp = (await OpenRolesAsync()).GetByTestId("step-up-dialog");
        await Assertions.Expect(stepUp).ToBeVisibleAsync();
        await AxeCheck.AssertAccessibleAsync(page, "the step-up dialog");
        await page.GetByLabel("Your password or authenticator code").FillAsync("not the password");
        await page.GetByTestId("step-up-confirm").ClickAsync();
        await Assertions.Expect(stepUp).ToContainTextAsync("not your password");
        await page.GetByLabel("Your password or authenticator code").FillAsync(PortalAppFactory.AdminPassword);
        await page.GetByTestId("step-up-confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("roles-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("roles-cancel").ClickAsync();

        // Within the window of that confirmation: no question.
        browser.Clock.Advance(TimeSpan.FromMinutes(4));
        await Assertions.Expect((await OpenRolesAsync()).GetByTestId("roles-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("roles-cancel").ClickAsync();

        using var scope = browser.Portal.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CredentialPortal.Data.PortalDbContext>();
        var outcomes = db.AuditRecords.Where(r => r.Action == AuditActions.StepUp && r.EntityId == "1").OrderBy(r => r.Sequence).Select(r => r.Outcome).ToList();
        Assert.Equal(["refused: wrong password or code (before a change of roles)", "confirmed with the password (before a change of roles)"], outcomes);
        Assert.DoesNotContain(db.AuditRecords.Select(r => r.Outcome + r.Properties).ToList(), text => text.Contains(PortalAppFactory.AdminPassword, StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task After_the_window_a_person_with_a_passkey_confirms_with_it_and_a_forged_assertion_is_refused()
    {
        const string password = "fatima's own long pass phrase";
        const int fatima = 15;
        var people = browser.Portal.Services.GetRequiredService<PeopleCredentials>();
        Assert.True((await people.SetPasswordAsync(Actor.System, fatima, password)).Succeeded);
        Assert.True((await people.SetRolesAsync(Actor.System, fatima, [CredentialPortal.Domain.Access.PortalRoles.Auditor])).Succeeded);
        var page = await browser.NewPageAsync(host: "localhost");
        var authenticator = await VirtualAuthenticator.AddAsync(page);
        await browser.SignInToDashboardAsync(page, "fatima.haddad", password);
        await page.GotoAsync("/account/security");
        await BrowserFixture.WaitForInteractivityAsync(page);
        await page.GetByLabel("Name for a new passkey").FillAsync("Phone");
        await page.GetByTestId("add-passkey").ClickAsync();
        await Assertions.Expect(page.GetByTestId("passkey-name")).ToHaveTextAsync("Phone");

        // Removing a passkey is a change of two-factor sign-in: six minutes after signing in, the portal asks who it is.
        browser.Clock.Advance(TimeSpan.FromMinutes(6));
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove passkey Phone" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog).GetByTestId("confirm-ok");
        await Assertions.Expect(confirm).ToBeEnabledAsync();
        await confirm.ClickAsync();
        var stepUp = page.GetByTestId("step-up-dialog");
        await Assertions.Expect(stepUp).ToBeVisibleAsync();
        await AxeCheck.AssertAccessibleAsync(page, "the step-up dialog with a passkey");

        // A signature that does not verify is refused in the dialog, which stays open.
        await authenticator.ForgeSignaturesAsync(true);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("step-up-passkey-error")).ToContainTextAsync("not accepted");
        await Assertions.Expect(stepUp).ToBeVisibleAsync();

        // The real one goes on with the removal.
        await authenticator.ForgeSignaturesAsync(false);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey" }).ClickAsync();
        await Assertions.Expect(stepUp).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByTestId("passkeys-empty")).ToBeVisibleAsync();

        using var scope = browser.Portal.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CredentialPortal.Data.PortalDbContext>();
        var outcomes = db.AuditRecords.Where(r => r.Action == AuditActions.StepUp && r.EntityId == "15").OrderBy(r => r.Sequence).Select(r => r.Outcome).ToList();
        Assert.Equal(["refused: passkey not accepted (before a change of two-factor sign-in)", "confirmed with a passkey (before a change of two-factor sign-in)"], outcomes);
        Assert.Equal([AuditActions.PasskeyAdded, AuditActions.PasskeyRemoved],
            db.AuditRecords.Where(r => r.EntityId == "15" && r.Action.StartsWith("passkey-")).OrderBy(r => r.Sequence).Select(r => r.Action).ToList());
        await page.Context.CloseAsync();
    }
}
