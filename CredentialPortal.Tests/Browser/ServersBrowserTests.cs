using CredentialPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class ServersBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_rotates_a_profile_secret_and_sees_the_tasks_on_the_recording_servers()
    {
        var page = await browser.NewPageAsync();
        await browser.SignInToDashboardAsync(page, "admin", PortalAppFactory.AdminPassword);
        await page.GotoAsync("/servers");
        await BrowserFixture.WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByTestId("server-row")).ToHaveCountAsync(3);

        await page.GetByRole(AriaRole.Link, new() { Name = "Recording Servers" }).ClickAsync();
        var secretRow = page.GetByTestId("profile-value").Filter(new() { HasText = "TLSKeyPass" });
        await Assertions.Expect(secretRow).ToContainTextAsync("secret · set");
        await secretRow.GetByRole(AriaRole.Button, new() { Name = "Rotate" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("secret-generate").ClickAsync();
        await dialog.GetByTestId("secret-save").ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("one-time-secret")).ToBeVisibleAsync();
        var generated = await dialog.GetByTestId("one-time-secret-value").InnerTextAsync();
        await dialog.GetByTestId("secret-stored").CheckAsync();
        await dialog.GetByTestId("secret-close").ClickAsync();

        await page.GotoAsync("/servers/rec02");
        await Assertions.Expect(page.GetByTestId("server-state")).ToContainTextAsync("1 pending task");
        await Assertions.Expect(page.GetByTestId("task-table")).ToContainTextAsync("TLSKeyPass");
        Assert.DoesNotContain(generated, await page.ContentAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.OutputDirectory, "server-detail-1280.png"), FullPage = true });
        await page.GotoAsync("/servers/mr01");
        await Assertions.Expect(page.GetByTestId("server-state")).Not.ToContainTextAsync("pending");
    }
}
