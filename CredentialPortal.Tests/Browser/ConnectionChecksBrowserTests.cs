using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>"Test connection" on an entity's page, and the dashboard's failing connections with their filter, in Chromium.</summary>
[Collection(BrowserCollection.Name)]
public class ConnectionChecksBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_tests_a_connection_and_finds_it_failing_on_the_dashboard()
    {
        var page = await browser.AdminPageAsync();
        // RingCentral's real address does not resolve from here: a genuine "unreachable".
        await page.GotoAsync("/import-sources/2");
        await BrowserFixture.WaitForInteractivityAsync(page);
        var button = page.GetByRole(AriaRole.Button, new() { Name = "Test connection" });
        await button.ClickAsync();
        await Assertions.Expect(page.GetByTestId("connection-result")).ToHaveTextAsync("unreachable", new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("connection-last")).ToContainTextAsync("DNS");
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Tested" })).ToHaveTextAsync("Tested: unreachable.");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.OutputDirectory, "connection-test.png") });

        await page.GotoAsync("/");
        await BrowserFixture.WaitForInteractivityAsync(page);
        var rows = page.GetByTestId("failing-connection");
        await Assertions.Expect(rows.Filter(new() { HasText = "Import source 2" })).ToContainTextAsync("unreachable");
        await ChooseAsync(page, "Filter connections", "rejected");
        await Assertions.Expect(rows.Filter(new() { HasText = "Import source 2" })).ToHaveCountAsync(0);
        await ChooseAsync(page, "Filter connections", "unreachable");
        await Assertions.Expect(rows.Filter(new() { HasText = "Import source 2" })).ToHaveCountAsync(1);

        // The import sources list shows each row's last check and filters by it in the database.
        await page.GotoAsync("/import-sources");
        await BrowserFixture.WaitForInteractivityAsync(page);
        var links = page.GetByTestId("entity-link");
        var count = page.GetByTestId("list-count");
        await Assertions.Expect(links.First).ToBeVisibleAsync();
        var all = await links.CountAsync();
        Assert.True(all >= 3, $"{all} import sources");
        await Assertions.Expect(count).ToHaveTextAsync($"{all} import sources");
        var second = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "2", Exact = true }) });
        await Assertions.Expect(second.GetByTestId("entity-last-check")).ToContainTextAsync("unreachable");

        await ChooseAsync(page, "Last connection check", "all failing");
        await Assertions.Expect(count).Not.ToHaveTextAsync($"{all} import sources"); // the grid has reloaded through the server
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "2", Exact = true })).ToBeVisibleAsync();
        var failing = await links.CountAsync();
        await Assertions.Expect(count).ToHaveTextAsync(failing == 1 ? "1 import source" : $"{failing} import sources");
        foreach (var cell in await page.GetByTestId("entity-last-check").AllAsync())
        {
            await Assertions.Expect(cell).ToContainTextAsync(new System.Text.RegularExpressions.Regex("rejected|unreachable|misconfigured"));
        }

        await ChooseAsync(page, "Last connection check", "never checked");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "2", Exact = true })).ToHaveCountAsync(0);
        foreach (var cell in await page.GetByTestId("entity-last-check").AllAsync())
        {
            await Assertions.Expect(cell).ToHaveTextAsync("never checked");
        }
        await ChooseAsync(page, "Last connection check", "unsupported");
        await Assertions.Expect(page.GetByTestId("entity-grid-empty")).ToContainTextAsync("Nothing matches these filters");
        await Assertions.Expect(count).ToHaveTextAsync("0 import sources");
        await ChooseAsync(page, "Last connection check", "Any");
        await Assertions.Expect(links).ToHaveCountAsync(all);
    }

    /// <summary>Picks an option of a select by its label, with the keyboard-reachable popup a person uses.</summary>
    internal static async Task ChooseAsync(IPage page, string label, string option)
    {
        await page.GetByLabel(label).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
    }
}
