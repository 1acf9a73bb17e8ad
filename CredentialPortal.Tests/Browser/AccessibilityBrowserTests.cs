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

    /// <summary>
    /// The users list by keyboard alone: its filters are select-only comboboxes (arrows, Enter, Escape), the page does not
    /// scroll under them, the open list passes the axe check, and the pager's rows-per-page select and buttons work too.
    /// </summary>
    [Fact]
    public async Task The_users_list_filters_and_pages_by_keyboard_alone()
    {
        var page = await browser.AdminPageAsync("/users");
        await BrowserFixture.WaitForInteractivityAsync(page);
        var count = page.GetByTestId("user-count");
        await Assertions.Expect(count).Not.ToBeEmptyAsync();
        var all = await count.TextContentAsync();

        await page.GetByTestId("user-search").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        var source = page.GetByRole(AriaRole.Combobox, new() { Name = "Source" });
        await Assertions.Expect(source).ToBeFocusedAsync();
        await Assertions.Expect(source).ToHaveAttributeAsync("aria-expanded", "false");
        var scrolled = await page.EvaluateAsync<double>("() => window.scrollY");
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(source).ToHaveAttributeAsync("aria-expanded", "true");
        var options = page.GetByRole(AriaRole.Listbox).GetByRole(AriaRole.Option);
        await Assertions.Expect(options).ToHaveTextAsync(["Any", "Local", "Active Directory"]);
        await AxeCheck.AssertAccessibleAsync(page, "/users with the Source list open");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(source).ToHaveTextAsync("Active Directory");
        await Assertions.Expect(page.GetByRole(AriaRole.Listbox)).ToHaveCountAsync(0);
        await Assertions.Expect(count).Not.ToHaveTextAsync(all!);
        Assert.Equal(scrolled, await page.EvaluateAsync<double>("() => window.scrollY"));
        await Assertions.Expect(source).ToBeFocusedAsync();

        // Escape closes without choosing; Home and Enter go back to Any.
        await page.Keyboard.PressAsync("Space");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(source).ToHaveTextAsync("Active Directory");
        await page.Keyboard.PressAsync("Home");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(source).ToHaveTextAsync("Any");
        await Assertions.Expect(count).ToHaveTextAsync(all!);

        // The pager: ten rows a page through its select, then the next page by its button.
        var size = page.GetByRole(AriaRole.Combobox, new() { Name = "Rows per page:" });
        await size.FocusAsync();
        await page.Keyboard.PressAsync("Home");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(size).ToHaveTextAsync("10");
        await Assertions.Expect(page.GetByTestId("user-link")).ToHaveCountAsync(10);
        var info = page.GetByTestId("grid-page-info");
        await Assertions.Expect(info).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^1-10 of "));
        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(info).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^11-"));
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Previous page" })).ToBeEnabledAsync();
    }
}
