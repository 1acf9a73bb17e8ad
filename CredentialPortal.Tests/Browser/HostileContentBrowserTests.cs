using System.Text.RegularExpressions;
using CredentialPortal.Data;
using CredentialPortal.Domain.Connectors;
using CredentialPortal.Domain.Organisations;
using CredentialPortal.Domain.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>
/// Names, hosts and login names arrive from directories, imports and attackers. Markup and Razor-looking text in them
/// must reach the screen as text: no script runs, no dialog opens, no element is injected, nothing breaks the CSP.
/// </summary>
[Collection(BrowserCollection.Name)]
public class HostileContentBrowserTests(BrowserFixture browser)
{
    private const string Script = "<script>window.__injected=1;alert('script')</script>";
    private const string Image = "\"><img src=x onerror=\"window.__injected=1;alert('img')\">";
    private const string Razor = "@(1+1) @DateTime.Now @{ throw null; }";
    private const string Formula = "=HYPERLINK(\"http://evil.example\",\"x\")";
    private const int Id = 9001;

    [Fact]
    public async Task Markup_and_razor_in_stored_values_render_as_text_and_csv_cells_are_defused()
    {
        await PlantAsync();

        // A failed sign-in with a hostile login name puts it into the audit log (actor name).
        var attacker = await browser.NewPageAsync();
        await browser.SignInAsync(attacker, Image, "whatever-password");
        await browser.SignInAsync(attacker, Formula, "whatever-password");
        await Assertions.Expect(attacker.GetByTestId("login-error")).ToBeVisibleAsync();
        await attacker.Context.CloseAsync();

        var page = await browser.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            lock (dialogs) dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        await browser.SignInToDashboardAsync(page, "admin", PortalAppFactory.AdminPassword);

        await VisitAsync(page, "/storage-targets", Script);
        await VisitAsync(page, $"/storage-targets/{Id}", Script, Image, Razor);
        await page.GetByTestId("entity-edit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("input-host")).ToHaveValueAsync(Image); // in its field as stored, for editing
        await AssertInertAsync(page, Script);

        await VisitAsync(page, "/users");
        await page.GetByTestId("user-search").FillAsync("hostile");
        await Assertions.Expect(page.GetByTestId("user-link")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("user-link")).ToHaveTextAsync("hostile.person");
        await AssertInertAsync(page, Image);
        await VisitAsync(page, $"/users/{Id}", Image, Razor);
        await VisitAsync(page, "/orgs", Script);
        await VisitAsync(page, "/audit", Image, Formula);

        // The CSV export defuses spreadsheet formulas: the hostile login name becomes a text cell.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("'=HYPERLINK(", csv);
        Assert.DoesNotMatch(new Regex("(^|,)\"?=HYPERLINK", RegexOptions.Multiline), csv);

        lock (dialogs) Assert.True(dialogs.Count == 0, "dialogs opened: " + string.Join(" | ", dialogs));
        lock (browser.PageErrors) Assert.True(browser.PageErrors.Count == 0, string.Join("\n", browser.PageErrors));
        await page.Context.CloseAsync();
    }

    private static async Task VisitAsync(IPage page, string path, params string[] visibleText)
    {
        await page.GotoAsync(path);
        await BrowserFixture.WaitForInteractivityAsync(page);
        foreach (var text in visibleText) await AssertInertAsync(page, text);
    }

    /// <summary>The text is on the page as text, and nothing it carries became markup or ran.</summary>
    private static async Task AssertInertAsync(IPage page, string text)
    {
        await Assertions.Expect(page.Locator("main").GetByText(text, new() { Exact = false }).First).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("img[onerror], main script, [onload]").CountAsync());
        Assert.False(await page.EvaluateAsync<bool>("() => window.__injected === 1"), $"script from stored text ran on {page.Url}");
    }

    private async Task PlantAsync()
    {
        var contexts = browser.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        if (await db.StorageTargets.AnyAsync(t => t.Id == Id)) return;
        db.StorageTargets.Add(new SftpStorageTarget { Id = Id, Name = Script, Host = Image, Port = 22, UserName = Razor, Path = Razor });
        db.Users.Add(new PortalUser
        {
            Id = Id,
            UserName = "hostile.person",
            NormalizedUserName = "HOSTILE.PERSON",
            DisplayName = Image + " " + Razor,
            Email = "hostile@example.com",
            NormalizedEmail = "HOSTILE@EXAMPLE.COM",
            SecurityStamp = Guid.NewGuid().ToString("N"),
            CreatedAt = DateTime.UtcNow,
            Enabled = true,
        });
        db.Organisations.Add(new Organisation { Id = Id, Name = Script, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
    }
}
