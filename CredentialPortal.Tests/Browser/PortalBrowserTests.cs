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
        var page = await browser.AdminPageAsync();
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

    /// <summary>
    /// A helpdesk person on a phone sees whose row is whose: every login name on screen, inside the viewport, with
    /// nothing else drawn over it, and no sideways scrolling (the grid once drew three columns at the same x).
    /// </summary>
    [Fact]
    public async Task At_390_px_the_users_list_shows_each_login_name_with_nothing_over_it()
    {
        var page = await browser.NewPageAsync(width: 390, height: 844);
        await browser.SignInToDashboardAsync(page, "helpdesk", PortalAppFactory.DemoPassword);
        await page.GotoAsync("/users");
        await BrowserFixture.WaitForInteractivityAsync(page);
        var links = page.GetByTestId("user-link");
        await Assertions.Expect(links.First).ToBeVisibleAsync();
        Assert.True(await links.CountAsync() >= 5, "the first page of users is on screen");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.OutputDirectory, "users-390.png"), FullPage = true });

        // For each login name: its box lies inside the viewport, the topmost element at its centre is the link itself,
        // and the text of every other cell of its row lies outside that box.
        var problems = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('[data-testid=user-link]')].flatMap(link => {
              const box = link.getBoundingClientRect();
              const found = [];
              if (box.width < 1 || box.height < 1) return [link.textContent + ': not drawn'];
              if (box.left < 0 || box.right > window.innerWidth + 0.5) found.push(link.textContent + ': outside the viewport');
              link.scrollIntoView({ block: 'center' });
              const at = link.getBoundingClientRect();
              const top = document.elementFromPoint(at.left + at.width / 2, at.top + at.height / 2);
              if (!top || !(top === link || link.contains(top))) found.push(link.textContent + ': covered by ' + (top ? top.outerHTML.slice(0, 80) : 'nothing'));
              const row = link.closest('tr');
              for (const cell of row ? row.querySelectorAll('td') : []) {
                if (cell.contains(link) || !cell.textContent.trim()) continue;
                const range = document.createRange();
                range.selectNodeContents(cell);
                for (const r of range.getClientRects()) {
                  if (r.width < 1 || r.height < 1) continue;
                  const overlaps = r.left < at.right - 0.5 && r.right > at.left + 0.5 && r.top < at.bottom - 0.5 && r.bottom > at.top + 0.5;
                  if (overlaps) { found.push(link.textContent + ': overlapped by "' + cell.textContent.trim().slice(0, 40) + '"'); break; }
                }
              }
              return found;
            })
            """);
        Assert.True(problems.Length == 0, string.Join("\n", problems));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "the users list scrolls sideways at 390 px");
    }

    /// <summary>
    /// The light/dark switch in the app bar: it says what it will do (on hover and on keyboard focus too), switches the
    /// whole page at once and the portal remembers the choice on the next visit.
    /// </summary>
    [Fact]
    public async Task The_theme_switch_says_what_it_does_switches_at_once_and_is_remembered()
    {
        var page = await browser.AdminPageAsync("/users");
        await BrowserFixture.WaitForInteractivityAsync(page);
        var toDark = page.GetByRole(AriaRole.Button, new() { Name = "Use the dark theme" });
        await Assertions.Expect(toDark).ToHaveAttributeAsync("aria-pressed", "false");
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

        // The tip shows on keyboard focus, not only under a mouse.
        var tip = page.GetByTestId("theme-toggle").Locator("xpath=following-sibling::*[1]");
        await Assertions.Expect(tip).Not.ToBeVisibleAsync();
        await page.GetByTestId("signed-in-user").FocusAsync();
        await page.Keyboard.PressAsync("Shift+Tab");
        await Assertions.Expect(toDark).ToBeFocusedAsync();
        await Assertions.Expect(tip).ToBeVisibleAsync();
        await Assertions.Expect(tip).ToHaveTextAsync("Use the dark theme");

        await page.Keyboard.PressAsync("Enter");
        var toLight = page.GetByRole(AriaRole.Button, new() { Name = "Use the light theme" });
        await Assertions.Expect(toLight).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(page.Locator("body")).Not.ToHaveCSSAsync("background-color", background);

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Use the light theme" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("body")).Not.ToHaveCSSAsync("background-color", background);
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
