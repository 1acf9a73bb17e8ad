using System.Text.RegularExpressions;
using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>
/// Passkeys as a person uses them in Chromium, with Chromium's own virtual authenticator (<see cref="VirtualAuthenticator"/>)
/// standing in for the laptop's: add one on the account security page,
/// sign in with it and no user name, finish a password sign-in with it, see a forged assertion refused, remove it.
/// The page is reached as <c>localhost</c>: WebAuthn refuses an IP address as the relying party.
/// </summary>
[Collection(BrowserCollection.Name)]
public class PasskeyBrowserTests(BrowserFixture browser)
{
    private const string Password = "fatima's own long pass phrase";
    private const int Fatima = 15;
    private const string FatimaKey = "15";

    private async Task<string?> LastSignInOutcomeAsync()
    {
        await using var db = await browser.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var last = await db.AuditRecords.Where(r => r.EntityId == FatimaKey && (r.Action == AuditActions.SignInSucceeded || r.Action == AuditActions.SignInFailed))
            .OrderByDescending(r => r.Sequence).FirstAsync();
        return $"{last.Action}: {last.Outcome}";
    }

    private static async Task SignOutAsync(IPage page)
    {
        await page.GetByTestId("sign-out").ClickAsync();
        await page.WaitForURLAsync(new Regex("/account/login"));
    }

    [Fact]
    public async Task A_person_adds_a_passkey_signs_in_with_it_without_a_user_name_and_a_forged_or_removed_one_is_refused()
    {
        var people = browser.Portal.Services.GetRequiredService<PeopleCredentials>();
        Assert.True((await people.SetPasswordAsync(Actor.System, Fatima, Password)).Succeeded);
        Assert.True((await people.SetRolesAsync(Actor.System, Fatima, [PortalRoles.Auditor])).Succeeded);
        var page = await browser.NewPageAsync(host: "localhost");
        var authenticator = await VirtualAuthenticator.AddAsync(page);

        await browser.SignInToDashboardAsync(page, "fatima.haddad", Password);
        await page.GotoAsync("/account/security");
        await BrowserFixture.WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByTestId("passkeys-empty")).ToBeVisibleAsync();
        await page.GetByLabel("Name for a new passkey").FillAsync("Work laptop");
        await page.GetByTestId("add-passkey").ClickAsync();
        await Assertions.Expect(page.GetByTestId("passkey-name")).ToHaveTextAsync("Work laptop");
        var stored = await authenticator.CredentialsAsync();
        Assert.Single(stored);
        Assert.True(stored[0].GetProperty("isResidentCredential").GetBoolean()); // discoverable: no user name needed
        await AxeCheck.AssertAccessibleAsync(page, "the account security page with a passkey");

        // Renamed in place.
        await page.GetByRole(AriaRole.Button, new() { Name = "Rename passkey Work laptop" }).ClickAsync();
        await page.GetByLabel("New name").FillAsync("Office laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("passkey-name")).ToHaveTextAsync("Office laptop");

        // Usernameless sign-in: nothing typed, the authenticator offers the portal's passkey.
        await SignOutAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/$"));
        Assert.Equal("sign-in-succeeded: with a passkey", await LastSignInOutcomeAsync());

        // The passkey is her second factor now: after the password, the code step offers it.
        await SignOutAsync(page);
        await browser.SignInAsync(page, "fatima.haddad", Password);
        await page.WaitForURLAsync(new Regex("/account/login/code"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Confirm with your passkey" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey instead" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/$"));

        // An assertion whose signature does not verify is refused, and audited.
        await SignOutAsync(page);
        await authenticator.ForgeSignaturesAsync(true);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("login-error")).ToContainTextAsync("not accepted");
        Assert.Matches(new Regex("/account/login"), page.Url);
        await authenticator.ForgeSignaturesAsync(false);

        // Removed (after a confirmation), it signs nobody in, although the device still holds it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/$"));
        await page.GotoAsync("/account/security");
        await BrowserFixture.WaitForInteractivityAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove passkey Office laptop" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog).GetByTestId("confirm-ok");
        await Assertions.Expect(confirm).ToBeEnabledAsync();
        await confirm.ClickAsync();
        await Assertions.Expect(page.GetByTestId("passkeys-empty")).ToBeVisibleAsync();
        await SignOutAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("login-error")).ToContainTextAsync("not accepted");

        await using var db = await browser.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.True(await db.AuditRecords.CountAsync(r => r.Action == AuditActions.SignInFailed && r.Outcome == "passkey refused") >= 2);
        var actions = await db.AuditRecords.Where(r => r.EntityId == FatimaKey && r.Action.StartsWith("passkey-")).Select(r => r.Action).ToListAsync();
        Assert.Equal([AuditActions.PasskeyAdded, AuditActions.PasskeyRenamed, AuditActions.PasskeyRemoved], actions);
        Assert.False((await db.Users.SingleAsync(u => u.Id == Fatima)).TwoFactorEnabled);
    }
}
