using System.Text.RegularExpressions;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>
/// What an auditor and an administrator read on the dashboard and in the audit view: names where entities are meant,
/// filters kept in the address, an entity's full history a click away, the numbers behind each chart as text.
/// </summary>
[Collection(BrowserCollection.Name)]
public class AuditViewBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_dashboard_names_stale_credentials_links_them_and_gives_the_chart_a_name_and_its_numbers()
    {
        var page = await browser.AdminPageAsync();
        await BrowserFixture.WaitForInteractivityAsync(page);

        // Emil Berg's password is 200 days old in the demo data: his name, linked to his page, not "People 14".
        var stale = page.GetByTestId("stale-list");
        var emil = stale.GetByRole(AriaRole.Link, new() { Name = "Emil Berg" });
        await Assertions.Expect(emil).ToHaveAttributeAsync("href", "/users/14");
        await Assertions.Expect(stale).Not.ToContainTextAsync("People 14");
        await Assertions.Expect(stale).Not.ToContainTextAsync(new Regex(@"People \d+ ·"));

        // The chart is a figure named by its caption, its numbers a table (per holder type and age bucket).
        var chart = page.GetByRole(AriaRole.Figure, new() { Name = "Credentials by age since last change, per holder type" });
        await Assertions.Expect(chart).ToBeVisibleAsync();
        var people = chart.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "People" }) });
        await Assertions.Expect(people).ToHaveCountAsync(1);
        await Assertions.Expect(chart.Locator("svg").First).ToBeVisibleAsync();

        await emil.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/users/14$"));
    }

    [Fact]
    public async Task Audit_rows_name_their_entities_and_filters_live_in_the_address()
    {
        var page = await browser.NewPageAsync();
        await browser.SignInToDashboardAsync(page, "auditor", PortalAppFactory.DemoPassword);

        // A saved filter link restores its filters: the records of entities named "Emil" written by the system (the demo data).
        await page.GotoAsync("/audit?entity=Emil&door=System");
        await BrowserFixture.WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByLabel("Entity name")).ToHaveValueAsync("Emil");
        await Assertions.Expect(page.GetByTestId("audit-filters")).ToContainTextAsync("System"); // the door select shows its choice
        var grid = page.GetByTestId("audit-table");
        var rows = grid.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByTestId("audit-row") });
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        await Assertions.Expect(grid.GetByTestId("entity-name").First).ToHaveTextAsync("Emil Berg");
        Assert.All(await grid.GetByTestId("entity-name").AllTextContentsAsync(), name => Assert.Equal("Emil Berg", name.Trim()));
        await Assertions.Expect(grid.GetByRole(AriaRole.Link, new() { Name = "Emil Berg" }).First).ToHaveAttributeAsync("href", "/users/14");
        await Assertions.Expect(grid).Not.ToContainTextAsync("users 14");

        // Changing a filter changes the address, without a page load.
        await page.EvaluateAsync("() => window.__noReload = 'still here'");
        await page.GetByLabel("Entity name").FillAsync("Offsite");
        await page.GetByLabel("Entity name").PressAsync("Tab");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/audit\?entity=Offsite&door=System$"));
        await Assertions.Expect(page.GetByTestId("audit-count")).ToHaveTextAsync(new Regex(@"^\d+ records?$"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear filters" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/audit$"));
        await Assertions.Expect(page.GetByLabel("Entity name")).ToHaveValueAsync("");
        await Assertions.Expect(grid.GetByTestId("entity-name").Filter(new() { HasNotText = "Emil Berg" }).First).ToBeVisibleAsync();
        Assert.Equal("still here", await page.EvaluateAsync<string>("() => window.__noReload"));

        // The family filter from a link, too.
        await page.GotoAsync("/audit?family=sign-in");
        await BrowserFixture.WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByTestId("audit-filters")).ToContainTextAsync("Sign-in");
        await Assertions.Expect(grid.GetByRole(AriaRole.Row).Filter(new() { HasText = "sign-in-succeeded" }).First).ToBeVisibleAsync();
        await Assertions.Expect(grid.GetByRole(AriaRole.Row).Filter(new() { HasText = "create" })).ToHaveCountAsync(0);

        // Counts per day above the list, as a named figure with its numbers as text.
        var days = page.GetByRole(AriaRole.Figure, new() { Name = "Records per day (UTC) matching the filters" });
        await Assertions.Expect(days.GetByRole(AriaRole.Row).Nth(1)).ToBeAttachedAsync();
    }

    [Fact]
    public async Task An_entity_page_links_to_its_full_history_in_the_audit_view()
    {
        var page = await browser.NewPageAsync();
        await browser.SignInToDashboardAsync(page, "auditor", PortalAppFactory.DemoPassword);
        await page.GotoAsync("/storage-targets/13");
        await BrowserFixture.WaitForInteractivityAsync(page);
        await page.GetByTestId("entity-history").GetByRole(AriaRole.Link, new() { Name = "Full history in the audit log" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/audit\?entityType=storageTargets&entityId=13$"));
        await Assertions.Expect(page.GetByLabel("Entity id")).ToHaveValueAsync("13");
        var names = page.GetByTestId("audit-table").GetByTestId("entity-name");
        await Assertions.Expect(names.First).ToHaveTextAsync("Offsite SFTP");
        Assert.All(await names.AllTextContentsAsync(), name => Assert.Equal("Offsite SFTP", name.Trim()));
    }
}
