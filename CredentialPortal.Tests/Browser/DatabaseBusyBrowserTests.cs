using CredentialPortal.Data;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>
/// The portal while another connection holds SQLite's write lock: saving says "busy, try again" (in the page and in a
/// dialog), the page stays alive, nothing was saved, and once the lock is gone the same change goes through.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DatabaseBusyBrowserTests(BrowserFixture browser) : IDisposable
{
    // A portal of its own, so holding its lock disturbs no other test, with a one-second busy timeout.
    private readonly TestDataDirectory data = new(postgres: false);
    private PortalAppFactory? portal;

    public void Dispose()
    {
        portal?.Dispose();
        data.Dispose();
    }

    [Fact]
    public async Task Saving_while_the_database_is_locked_says_busy_try_again_and_keeps_the_page_alive()
    {
        portal = new PortalAppFactory(data, new Dictionary<string, string?> { [DatabaseBusy.TimeoutKey] = "00:00:01" });
        var address = portal.StartOnLoopback();
        var context = await browser.Browser.NewContextAsync(new() { BaseURL = address.ToString() });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var pageErrors = new List<string>();
        page.PageError += (_, error) => pageErrors.Add(error);

        await browser.SignInToDashboardAsync(page, "admin", PortalAppFactory.AdminPassword);
        await page.GotoAsync("/storage-targets/13");
        await BrowserFixture.WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByTestId("value-host")).ToHaveTextAsync("sftp.archive.example.com");

        // The form's save, in the page.
        await page.GetByTestId("entity-edit").ClickAsync();
        await page.GetByTestId("input-host").FillAsync("busy.example.com");
        await using (SqliteWriteLock.Take(data))
        {
            await page.GetByTestId("entity-save").ClickAsync();
            var notice = page.GetByTestId("database-busy");
            await Assertions.Expect(notice).ToBeVisibleAsync();
            await Assertions.Expect(notice).ToHaveAttributeAsync("role", "alert");
            await Assertions.Expect(notice).ToContainTextAsync("database is busy");
        }
        await page.GetByTestId("database-busy-retry").PressAsync("Enter"); // by keyboard: the notice sits at the top of a page scrolled down to its save
        await Assertions.Expect(page.GetByTestId("value-host")).ToHaveTextAsync("sftp.archive.example.com"); // nothing saved
        await page.GetByTestId("entity-edit").ClickAsync();
        await page.GetByTestId("input-host").FillAsync("busy.example.com");
        await page.GetByTestId("entity-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("value-host")).ToHaveTextAsync("busy.example.com");

        // A dialog's save: the rotate dialog lives outside the page body, in a boundary of its own.
        var storedBefore = await StoredPasswordAsync();
        await page.GetByTestId("rotate-password").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("secret-new").FillAsync("rotated-while-busy-2026");
        await dialog.GetByTestId("secret-confirm").FillAsync("rotated-while-busy-2026");
        await using (SqliteWriteLock.Take(data))
        {
            await dialog.GetByTestId("secret-save").ClickAsync();
            await Assertions.Expect(page.GetByTestId("database-busy")).ToBeVisibleAsync();
        }
        await page.GetByTestId("database-busy-retry").PressAsync("Enter"); // by keyboard: the notice sits at the top of a page scrolled down to its save
        await Assertions.Expect(page.GetByTestId("database-busy")).ToHaveCountAsync(0);
        Assert.Equal(storedBefore, await StoredPasswordAsync()); // nothing saved

        // The page, and its circuit, work on.
        await page.GetByTestId("rotate-password").ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("secret-new").FillAsync("rotated-after-the-lock-2026");
        await dialog.GetByTestId("secret-confirm").FillAsync("rotated-after-the-lock-2026");
        await dialog.GetByTestId("secret-save").ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("secret-saved")).ToBeVisibleAsync();
        Assert.Empty(pageErrors);
        Assert.NotEqual(storedBefore, await StoredPasswordAsync());
        await context.DisposeAsync();
    }

    private async Task<string?> StoredPasswordAsync()
    {
        await using var db = portal!.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        return await db.StoredSecrets.Where(s => s.Resource == "storageTargets" && s.EntityKey == "13" && s.Property == "password")
            .Select(s => s.Ciphertext).SingleOrDefaultAsync();
    }
}
