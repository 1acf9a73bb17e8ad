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
        var outcomes = db.AuditRecords.Where(r => r.Action == AuditActions.StepUp).OrderBy(r => r.Sequence).Select(r => r.Outcome).ToList();
        Assert.Equal(["refused: wrong password or code (before a change of roles)", "confirmed with the password (before a change of roles)"], outcomes);
        Assert.DoesNotContain(db.AuditRecords.Select(r => r.Outcome + r.Properties).ToList(), text => text.Contains(PortalAppFactory.AdminPassword, StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }
}
