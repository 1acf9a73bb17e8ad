using CredentialPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class ContentSecurityPolicyTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_portal_works_under_its_content_security_policy()
    {
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync("/account/login");
        var headers = await response!.AllHeadersAsync();
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"]);
        Assert.DoesNotContain("unsafe-eval", headers["content-security-policy"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("no-referrer", headers["referrer-policy"]);

        await browser.SignInToDashboardAsync(page, "admin", PortalAppFactory.AdminPassword);
        await BrowserFixture.WaitForInteractivityAsync(page);
        foreach (var path in new[] { "/users", "/storage-targets/11", "/audit", "/settings", "/servers/rec01", "/machine-users" })
        {
            await page.GotoAsync(path);
            await BrowserFixture.WaitForInteractivityAsync(page);
        }
        // A dialog (MudBlazor's JS) opens and closes under the policy too.
        await page.GotoAsync("/storage-targets/11");
        await BrowserFixture.WaitForInteractivityAsync(page);
        await page.GetByTestId("rotate-secretAccessKey").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        // The first field has the focus, so typing goes there and Esc closes the dialog.
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog).GetByTestId("secret-new")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        lock (browser.PageErrors) Assert.True(browser.PageErrors.Count == 0, string.Join("\n", browser.PageErrors));
    }
}
