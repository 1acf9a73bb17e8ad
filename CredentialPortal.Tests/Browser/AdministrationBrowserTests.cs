using System.Net.Http.Json;
using System.Net;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>
/// The administrator's own sections: machine users (add, reveal once, disable after confirming), server configuration,
/// and the settings form validated by the domain's own validator (the message by the field, a refused save changes nothing).
/// </summary>
[Collection(BrowserCollection.Name)]
public class AdministrationBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_adds_a_machine_user_sees_its_password_once_and_disables_it()
    {
        var page = await browser.AdminPageAsync("/machine-users");
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

    [Fact]
    public async Task Admin_rotates_a_profile_secret_and_sees_the_tasks_on_the_recording_servers()
    {
        var page = await browser.AdminPageAsync("/servers");
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

    [Fact]
    public async Task An_out_of_range_setting_is_named_by_its_field_and_not_saved()
    {
        var page = await browser.AdminPageAsync("/settings");

        var minimum = page.GetByLabel("Minimum length");
        await Assertions.Expect(minimum).ToHaveValueAsync("12");
        await minimum.FillAsync("3");
        await minimum.PressAsync("Tab");
        // SecuritySettingsValidator's message, by the field.
        await Assertions.Expect(page.GetByText("'Minimum length' must be from 8 to 128.")).ToBeVisibleAsync();
        await page.GetByTestId("settings-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("settings-outcome")).ToHaveTextAsync("Not saved: correct the marked settings.");

        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByLabel("Minimum length")).ToHaveValueAsync("12");
    }
}
