using CredentialPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>"Test connection" on an entity's page, and the dashboard's failing connections with their filter, in Chromium.</summary>
[Collection(BrowserCollection.Name)]
public class ConnectionChecksBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_tests_a_connection_and_finds_it_failing_on_the_dashboard()
    {
        var page = await browser.NewPageAsync();
        await browser.SignInToDashboardAsync(page, "admin", PortalAppFactory.AdminPassword);
        // RingCentral's real address does not resolve from here: a genuine "unreachable".
        await page.GotoAsync("/import-sources/2");
        await BrowserFixture.WaitForInteractivityAsync(page);
        var button = page.GetByRole(AriaRole.Button, new() { Name = "Test connection" });
        await button.ClickAsync();
        await Assertions.Expect(page.GetByTestId("connection-result")).ToHaveTextAsync("unreachable", new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("connection-last")).ToContainTextAsync("DNS");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Tested: unreachable.");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.OutputDirectory, "connection-test.png") });

        await page.GotoAsync("/");
        await BrowserFixture.WaitForInteractivityAsync(page);
        var rows = page.GetByTestId("failing-connection");
        await Assertions.Expect(rows.Filter(new() { HasText = "Import source 2" })).ToContainTextAsync("unreachable");
        await page.GetByLabel("Filter connections").SelectOptionAsync("rejected");
        await Assertions.Expect(rows.Filter(new() { HasText = "Import source 2" })).ToHaveCountAsync(0);
        await page.GetByLabel("Filter connections").SelectOptionAsync("unreachable");
        await Assertions.Expect(rows.Filter(new() { HasText = "Import source 2" })).ToHaveCountAsync(1);
    }
}
