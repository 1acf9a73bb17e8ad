using System.Text.RegularExpressions;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;

namespace CredentialPortal.Tests.Browser;

/// <summary>
/// Two-factor sign-in as a person does it in Chromium: enrol an authenticator on the account security page (the code
/// computed here with Otp.NET, as the app would), sign out, sign in with the password and a code; the same code again
/// is refused; a recovery code works once.
/// </summary>
[Collection(BrowserCollection.Name)]
public class TwoFactorBrowserTests(BrowserFixture browser)
{
    private const string Password = "dora's own pass phrase";

    private async Task<IPage> SignedInAsDoraAsync()
    {
        // dora.nagy (13) becomes an auditor with a known password: her own account, so no other test's sign-in changes.
        var people = browser.Portal.Services.GetRequiredService<PeopleCredentials>();
        Assert.True((await people.SetPasswordAsync(Actor.System, 13, Password)).Succeeded);
        Assert.True((await people.SetRolesAsync(Actor.System, 13, [PortalRoles.Auditor])).Succeeded);
        var page = await browser.NewPageAsync();
        await browser.SignInToDashboardAsync(page, "dora.nagy", Password);
        // The dashboard's circuit first: a link followed while it starts can be undone by the router's first render.
        await BrowserFixture.WaitForInteractivityAsync(page);
        return page;
    }

    /// <summary>Signs in as dora with her password and, at the code step, <paramref name="code"/>.</summary>
    private async Task SignInWithCodeAsync(IPage page, string code)
    {
        await browser.SignInAsync(page, "dora.nagy", Password);
        await page.WaitForURLAsync(new Regex("/account/login/code"));
        await EnterCodeAsync(page, code);
    }

    private static async Task EnterCodeAsync(IPage page, string code)
    {
        await page.GetByLabel("Code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    private static async Task SignOutAsync(IPage page)
    {
        await page.GetByTestId("sign-out").ClickAsync();
        await page.WaitForURLAsync(new Regex("/account/login"));
    }

    [Fact]
    public async Task A_person_enrols_an_authenticator_and_then_signs_in_with_a_code_once_and_a_recovery_code_once()
    {
        var page = await SignedInAsDoraAsync();
        await page.GetByTestId("account-security-link").ClickAsync();
        await page.WaitForURLAsync(new Regex("/account/security$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Account security" })).ToBeVisibleAsync();
        await BrowserFixture.WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByTestId("two-factor-state")).ToContainTextAsync("Off");
        await page.GetByTestId("setup-authenticator").ClickAsync();
        var key = (await page.GetByTestId("authenticator-key").TextContentAsync())!.Replace(" ", "", StringComparison.Ordinal);
        await AxeCheck.AssertAccessibleAsync(page, "the authenticator enrolment");
        var totp = new Totp(Base32Encoding.ToBytes(key));

        await page.GetByLabel("Code from the app").FillAsync("000000");
        await page.GetByTestId("authenticator-confirm").ClickAsync();
        await Assertions.Expect(page.GetByText("not the app's current one")).ToBeVisibleAsync();
        await page.GetByLabel("Code from the app").FillAsync(totp.ComputeTotp(DateTime.UtcNow.AddSeconds(-30)));
        await page.GetByTestId("authenticator-confirm").ClickAsync();
        var codes = page.GetByTestId("recovery-codes").Locator("li");
        await Assertions.Expect(codes).ToHaveCountAsync(10);
        var recovery = (await codes.Nth(2).TextContentAsync())!.Trim();
        Assert.Equal(0, await page.GetByTestId("authenticator-key").CountAsync()); // the key is gone from the page
        await Assertions.Expect(page.GetByTestId("recovery-codes-done")).ToBeDisabledAsync();
        await page.GetByTestId("recovery-codes-stored").CheckAsync();
        await page.GetByTestId("recovery-codes-done").ClickAsync();
        await Assertions.Expect(page.GetByTestId("two-factor-state")).ToContainTextAsync("On.");
        await SignOutAsync(page);

        // Password, then the code step; the current code is unused (enrolment took the previous step's).
        await browser.SignInAsync(page, "dora.nagy", Password);
        await page.WaitForURLAsync(new Regex("/account/login/code"));
        await AxeCheck.AssertAccessibleAsync(page, "the sign-in code step");
        var code = totp.ComputeTotp(DateTime.UtcNow);
        await EnterCodeAsync(page, code);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await SignOutAsync(page);

        // The same code again is refused; a recovery code works, once.
        await SignInWithCodeAsync(page, code);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("already used");
        await EnterCodeAsync(page, recovery);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await SignOutAsync(page);
        await SignInWithCodeAsync(page, recovery);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not right");

        // A lost phone: an administrator resets her two-factor (after confirming); the password alone signs her in again.
        var admin = await browser.AdminPageAsync("/users/13");
        await Assertions.Expect(admin.GetByTestId("user-status")).ToContainTextAsync("two-factor on");
        await admin.GetByTestId("reset-two-factor").ClickAsync();
        await admin.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("user-status")).Not.ToContainTextAsync("two-factor on");
        await Assertions.Expect(admin.GetByTestId("reset-two-factor")).ToHaveCountAsync(0);
        await browser.SignInToDashboardAsync(page, "dora.nagy", Password);
        Assert.DoesNotContain(key, browser.Portal.Logs.Text, StringComparison.OrdinalIgnoreCase);
    }
}
