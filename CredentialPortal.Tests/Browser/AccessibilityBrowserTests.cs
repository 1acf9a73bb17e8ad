using CredentialPortal.Data.Seeding;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>
/// Every page of the portal, as an administrator sees it (the most controls) and in both themes, has no serious or
/// critical axe-core violation of the WCAG 2.1 A/AA rules.
/// </summary>
[Collection(BrowserCollection.Name)]
public class AccessibilityBrowserTests(BrowserFixture browser)
{
    public static TheoryData<string> Pages => new(
        "/", "/users", $"/users/{DemoData.SeedUserId}", "/machine-users", "/orgs",
        "/ad-sync-profiles", $"/ad-sync-profiles/{DemoData.SeedAdSyncProfileId}",
        "/storage-targets", $"/storage-targets/{DemoData.SeedStorageTargetId}",
        "/import-sources", $"/import-sources/{DemoData.SeedImportSourceId}",
        "/servers", "/servers/rec01", $"/configuration-profiles/{DemoData.RecordingServersProfileId}",
        "/audit", "/settings", "/account/manage/password");

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task A_page_has_no_serious_or_critical_accessibility_violation(string path)
    {
        var page = await browser.AdminPageAsync(path);
        await page.Locator("h1").First.WaitForAsync();
        await AxeCheck.AssertAccessibleAsync(page, path);
    }

    public static TheoryData<string> DarkPages => new("/", "/users", $"/storage-targets/{DemoData.SeedStorageTargetId}", "/settings");

    [Theory]
    [MemberData(nameof(DarkPages))]
    public async Task A_page_in_the_dark_theme_has_no_serious_or_critical_accessibility_violation(string path)
    {
        var page = await browser.AdminPageAsync();
        await page.Context.AddCookiesAsync([new() { Name = CredentialPortal.Components.Layout.PortalTheme.DarkModeCookie, Value = "dark", Url = browser.BaseAddress.ToString() }]);
        await page.GotoAsync(path);
        await page.Locator("h1").First.WaitForAsync();
        await BrowserFixture.WaitForInteractivityAsync(page);
        await AxeCheck.AssertAccessibleAsync(page, path + " (dark)");
    }

    [Fact]
    public async Task The_settings_page_with_the_two_factor_reminder_has_no_serious_or_critical_accessibility_violation()
    {
        // The administrator has no second factor yet: within the grace period every page carries the reminder.
        var page = await browser.AdminPageAsync("/settings");
        await Assertions.Expect(page.GetByTestId("two-factor-reminder")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "Roles that must use two-factor" })).ToBeVisibleAsync();
        await AxeCheck.AssertAccessibleAsync(page, "/settings with the two-factor reminder");
    }

    [Fact]
    public async Task The_sign_in_page_has_no_serious_or_critical_accessibility_violation()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/account/login");
        await AxeCheck.AssertAccessibleAsync(page, "the sign-in page");
        // A failed sign-in shows its error: still accessible.
        await browser.SignInAsync(page, "admin", "not-the-password");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await AxeCheck.AssertAccessibleAsync(page, "the sign-in page with an error");
    }
}
