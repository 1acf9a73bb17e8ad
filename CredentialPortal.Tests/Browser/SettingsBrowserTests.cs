using CredentialPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>The settings form, validated by the domain's own validator: the message by the field, a refused save changes nothing.</summary>
[Collection(BrowserCollection.Name)]
public class SettingsBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_out_of_range_setting_is_named_by_its_field_and_not_saved()
    {
        var page = await browser.NewPageAsync();
        await browser.SignInToDashboardAsync(page, "admin", PortalAppFactory.AdminPassword);
        await page.GotoAsync("/settings");
        await BrowserFixture.WaitForInteractivityAsync(page);

        var minimum = page.GetByLabel("Minimum length");
        await Assertions.Expect(minimum).ToHaveValueAsync("12");
        await minimum.FillAsync("3");
        await minimum.PressAsync("Tab");
        // SecuritySettingsValidator's message, by the field.
        await Assertions.Expect(page.GetByText("'Minimum length' must be from 8 to 128.")).ToBeVisibleAsync();
        await page.GetByTestId("settings-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("settings-outcome")).ToHaveTextAsync("Not saved: correct the marked settings.");

        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByLabel("Minimum length")).ToHaveValueAsync("12");
    }
}
