using System.Net;
using System.Net.Http.Json;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class MachineUsersBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_adds_a_machine_user_sees_its_password_once_and_disables_it()
    {
        var page = await browser.NewPageAsync();
        await browser.SignInToDashboardAsync(page, "admin", PortalAppFactory.AdminPassword);
        await page.GotoAsync("/machine-users");
        await BrowserFixture.WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByTestId("machine-row").Filter(new() { HasText = "machine-user-1001" })).ToBeVisibleAsync();

        await page.GetByTestId("add-machine-user").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("machine-name").FillAsync("portal-made-connector");
        await dialog.GetByTestId("machine-add").ClickAsync();
        var password = await dialog.GetByTestId("one-time-secret-value").InnerTextAsync();
        Assert.Equal(32, password.Length);
        await dialog.GetByTestId("machine-close").ClickAsync();
        var row = page.GetByTestId("machine-row").Filter(new() { HasText = "portal-made-connector" });
        await Assertions.Expect(row).ToContainTextAsync("active");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.OutputDirectory, "machine-users-1280.png"), FullPage = true });

        using var http = new HttpClient { BaseAddress = browser.BaseAddress };
        var token = new { client_id = "portal-made-connector", client_secret = password };
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/verba/restapi/v1/auth/token", token)).StatusCode);

        await row.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await page.Locator(".rz-dialog-confirm").GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("disabled");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/verba/restapi/v1/auth/token", token)).StatusCode);
    }
}
