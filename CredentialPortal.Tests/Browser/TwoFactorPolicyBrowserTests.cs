using System.Text.RegularExpressions;
using CredentialPortal.Components.Shared;
using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;

namespace CredentialPortal.Tests.Browser;

/// <summary>
/// The two-factor policy as people meet it in Chromium, on a portal with a manual clock: within the grace period a
/// reminder with its deadline on every page; after it, signing in lands on the account security page, nothing else
/// opens (neither a page loaded afresh nor a link followed inside the tab) until they enrol, and enrolling lifts it.
/// </summary>
public class TwoFactorPolicyBrowserTests(TwoFactorPolicyBrowserTests.Portal browser) : IClassFixture<TwoFactorPolicyBrowserTests.Portal>
{
    public sealed class Portal : BrowserFixture
    {
        public Portal() : this(new ManualClock(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()))) { }

        private Portal(ManualClock clock) : base(new PortalAppFactory(services: s => s.AddSingleton<TimeProvider>(clock)), "two-factor-policy-portal.log") =>
            Clock = clock;

        public ManualClock Clock { get; }
    }

    private const string Password = "ben's own long pass phrase";
    private static readonly Regex SecurityPage = new("/account/security$");

    private async Task<PortalUser> UserAsync(string login)
    {
        await using var db = await browser.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.Users.AsNoTracking().SingleAsync(u => u.UserName == login);
    }

    [Fact]
    public async Task Within_the_grace_period_a_helpdesk_user_is_reminded_with_the_deadline_on_every_page()
    {
        var page = await browser.NewPageAsync();
        await browser.SignInToDashboardAsync(page, "helpdesk", PortalAppFactory.DemoPassword);
        var since = (await UserAsync("helpdesk")).TwoFactorRequiredSince;
        Assert.NotNull(since); // the sign-in started the grace period
        var deadline = TimeText.Utc(since.Value.AddDays(7));

        var reminder = page.GetByTestId("two-factor-reminder");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Assertions.Expect(reminder).ToContainTextAsync($"Set it up by {deadline}");
        await BrowserFixture.WaitForInteractivityAsync(page);
        await AxeCheck.AssertAccessibleAsync(page, "the dashboard with the two-factor reminder");

        // Another page, through the navigation inside the open tab, and loaded afresh.
        await page.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Users", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(reminder).ToContainTextAsync(deadline);
        await page.GotoAsync("/users");
        await Assertions.Expect(reminder).ToContainTextAsync(deadline);
        await BrowserFixture.WaitForInteractivityAsync(page);

        // Its link leads to the security page.
        await page.GetByTestId("two-factor-reminder-link").ClickAsync();
        await page.WaitForURLAsync(SecurityPage);
        await Assertions.Expect(page.GetByTestId("setup-authenticator")).ToBeVisibleAsync();
        lock (browser.PageErrors) Assert.True(browser.PageErrors.Count == 0, string.Join("\n", browser.PageErrors));
    }

    [Fact]
    public async Task After_the_grace_period_sign_in_lands_on_the_security_page_nothing_else_opens_and_enrolling_lifts_it()
    {
        // ben.okafor (11) becomes helpdesk with a known password: the role change starts his grace period.
        var people = browser.Portal.Services.GetRequiredService<PeopleCredentials>();
        Assert.True((await people.SetPasswordAsync(Actor.System, 11, Password)).Succeeded);
        Assert.True((await people.SetRolesAsync(Actor.System, 11, [PortalRoles.Helpdesk])).Succeeded);
        browser.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));

        var page = await browser.NewPageAsync();
        await browser.SignInAsync(page, "ben.okafor", Password);
        await page.WaitForURLAsync(SecurityPage);
        await Assertions.Expect(page.GetByTestId("two-factor-required")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("two-factor-reminder")).ToHaveCountAsync(0);

        // A page loaded afresh is sent back.
        await page.GotoAsync("/users");
        await page.WaitForURLAsync(SecurityPage);
        await BrowserFixture.WaitForInteractivityAsync(page);
        await AxeCheck.AssertAccessibleAsync(page, "the security page while enrolment is due");

        // So is a link followed inside the open tab (no request: the layout holds it), without the page showing.
        var wentToUsers = page.WaitForURLAsync(new Regex("/users$"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true }).ClickAsync();
        await wentToUsers;
        // The gate sends the tab on from inside the circuit: the address is what to wait for, not a page's load event
        // (which a same-document navigation does not fire, and CI once waited 15 s for).
        await Assertions.Expect(page).ToHaveURLAsync(SecurityPage, new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Account security" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("user-search")).ToHaveCountAsync(0);

        // Enrolling (the code computed here with Otp.NET, on the portal's clock) lifts it.
        await page.GetByTestId("setup-authenticator").ClickAsync();
        var key = (await page.GetByTestId("authenticator-key").TextContentAsync())!.Replace(" ", "", StringComparison.Ordinal);
        var code = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(browser.Clock.GetUtcNow().UtcDateTime);
        await page.GetByLabel("Code from the app").FillAsync(code);
        await page.GetByTestId("authenticator-confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await page.GetByTestId("recovery-codes-stored").CheckAsync();
        await page.GetByTestId("recovery-codes-done").ClickAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Users", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("two-factor-required")).ToHaveCountAsync(0);
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("two-factor-reminder")).ToHaveCountAsync(0);

        // The forced enrolment was audited once, however many pages met it.
        await using var db = await browser.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.AuditRecords.CountAsync(r => r.Action == AuditActions.TwoFactorEnrolmentRequired && r.EntityId == "11"));
        Assert.Null((await UserAsync("ben.okafor")).TwoFactorRequiredSince);
        lock (browser.PageErrors) Assert.True(browser.PageErrors.Count == 0, string.Join("\n", browser.PageErrors));
    }
}
