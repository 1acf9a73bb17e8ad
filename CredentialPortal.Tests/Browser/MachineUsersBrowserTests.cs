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
        var rows = page.GetByTestId("machine-table").GetByRole(AriaRole.Row);
        await Assertions.Expect(rows.Filter(new() { HasText = "machine-user-1001" })).ToBeVisibleAsync();

        await page.GetByTestId("add-machine-user").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("machine-name").FillAsync("portal-made-connector");
        await dialog.GetByTestId("machine-add").ClickAsync();
        // The generated password is shown once: masked until asked, and Close waits for "I have stored it".
        var shown = dialog.GetByTestId("one-time-secret-value");
        await Assertions.Expect(dialog).ToContainTextAsync("cannot be shown again");
        await Assertions.Expect(dialog.GetByTestId("machine-close")).ToBeDisabledAsync();
        await dialog.GetByTestId("reveal-secret").ClickAsync();
        await Assertions.Expect(shown).Not.ToContainTextAsync("•");
        var password = await shown.InnerTextAsync();
        Assert.Equal(32, password.Length);
        await dialog.GetByTestId("secret-stored").CheckAsync();
        await dialog.GetByTestId("machine-close").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        Assert.DoesNotContain(password, await page.ContentAsync());
        var row = rows.Filter(new() { HasText = "portal-made-connector" });
        await Assertions.Expect(row).ToContainTextAsync("active");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.OutputDirectory, "machine-users-1280.png"), FullPage = true });

        using var http = new HttpClient { BaseAddress = browser.BaseAddress };
        var token = new { client_id = "portal-made-connector", client_secret = password };
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/verba/restapi/v1/auth/token", token)).StatusCode);

        await row.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(confirm.GetByTestId("confirm-ok")).ToHaveTextAsync("Disable");
        await confirm.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("disabled");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/verba/restapi/v1/auth/token", token)).StatusCode);
    }
}
