using System.Text.RegularExpressions;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>Real Chromium against the portal on Kestrel at 127.0.0.1.</summary>
[Collection(BrowserCollection.Name)]
public class PortalBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_signs_in_sees_the_dashboard_and_the_page_is_interactive()
    {
        var page = await browser.NewPageAsync();
        await browser.SignInToDashboardAsync(page, "admin", PortalAppFactory.AdminPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync("admin");
        // People (local, AD), machine users, each connector resource and servers: every credential holder of the catalog.
        await Assertions.Expect(page.GetByTestId("count-card")).ToHaveCountAsync(4 + CredentialPortal.Domain.Catalog.EntityCatalog.Resources.Count);
        await BrowserFixture.WaitForInteractivityAsync(page);
        // The credential-age chart: a named figure, drawn, with its numbers as a table (one row per holder type).
        var chart = page.GetByRole(AriaRole.Figure, new() { Name = "Credentials by age since last change, per holder type" });
        await Assertions.Expect(chart.Locator("svg").First).ToBeVisibleAsync();
        await Assertions.Expect(chart.GetByRole(AriaRole.Rowheader, new() { Name = "People" })).ToHaveCountAsync(1);
        await Assertions.Expect(chart.GetByRole(AriaRole.Rowheader, new() { Name = "Storage targets" })).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.OutputDirectory, "dashboard-1280.png"), FullPage = true });

        // A marker on window survives only if no full page load happens.
        await page.EvaluateAsync("() => window.__noReload = 'still here'");

        // Collapse the navigation: the server handles the click over the circuit and re-renders.
        var sidebar = page.GetByTestId("sidebar");
        var toggle = page.GetByTestId("sidebar-toggle");
        await Assertions.Expect(sidebar).ToHaveAttributeAsync("data-open", "true");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await toggle.ClickAsync();
        await Assertions.Expect(sidebar).ToHaveAttributeAsync("data-open", "false");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await toggle.ClickAsync();
        await Assertions.Expect(sidebar).ToHaveAttributeAsync("data-open", "true");

        // Navigate by the menu: client-side routing, same window.
        await page.GetByTestId("portal-nav").GetByText("Storage targets").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Storage targets" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("entity-link")).ToHaveCountAsync(4);
        Assert.Equal("still here", await page.EvaluateAsync<string>("() => window.__noReload"));
    }

    [Fact]
    public async Task Wrong_password_shows_a_clear_error()
    {
        var page = await browser.NewPageAsync();
        await browser.SignInAsync(page, "admin", "this-is-not-the-password");

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The user name or password is incorrect.");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await Assertions.Expect(page.GetByLabel("User name")).ToHaveValueAsync("admin");
    }

    [Fact]
    public async Task Helpdesk_sees_only_its_sections_and_is_refused_elsewhere()
    {
        var page = await browser.NewPageAsync(width: 390, height: 844);
        await browser.SignInAsync(page, "helpdesk", PortalAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();

        var nav = page.GetByTestId("portal-nav");
        await Assertions.Expect(nav.Locator("a")).ToHaveCountAsync(2);
        await Assertions.Expect(nav).ToContainTextAsync("Users");
        await Assertions.Expect(nav).Not.ToContainTextAsync("Settings");
        await Assertions.Expect(page.GetByTestId("count-card")).ToHaveCountAsync(2);

        await page.GotoAsync("/settings");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        await page.GotoAsync("/storage-targets/11");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();

        // A user's page fits a phone: no horizontal scrolling.
        await page.GotoAsync("/users/16");
        await Assertions.Expect(page.GetByTestId("reset-password")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page scrolls sideways at 390 px");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.OutputDirectory, "user-detail-390.png"), FullPage = true });
    }
}
