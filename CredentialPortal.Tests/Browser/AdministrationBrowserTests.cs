using System.Net.Http.Json;
using System.Net;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Settings;
using Microsoft.Extensions.DependencyInjection;
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

        var minimum = page.GetByLabel("Minimum length with two-factor", new() { Exact = true });
        await Assertions.Expect(minimum).ToHaveValueAsync("12");
        await Assertions.Expect(page.GetByLabel("Minimum length without two-factor", new() { Exact = true })).ToHaveValueAsync("15");
        await minimum.FillAsync("3");
        await minimum.PressAsync("Tab");
        // SecuritySettingsValidator's message, by the field.
        await Assertions.Expect(page.GetByText("'Minimum length with two-factor' must be from 8 to 128.")).ToBeVisibleAsync();
        await page.GetByTestId("settings-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("settings-outcome")).ToHaveTextAsync("Not saved: correct the marked settings.");

        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByLabel("Minimum length with two-factor", new() { Exact = true })).ToHaveValueAsync("12");
    }

    [Fact]
    public async Task The_roles_that_must_use_two_factor_are_ticked_from_the_role_list_and_saved_with_the_grace_period()
    {
        var page = await browser.AdminPageAsync("/settings");
        var roles = page.GetByRole(AriaRole.Group, new() { Name = "Roles that must use two-factor" });
        foreach (var role in new[] { PortalRoles.Administrator, PortalRoles.Helpdesk, PortalRoles.Auditor })
        {
            await Assertions.Expect(roles.GetByLabel(role, new() { Exact = true })).ToBeCheckedAsync();
        }
        await Assertions.Expect(roles.GetByLabel(PortalRoles.Integrator, new() { Exact = true })).Not.ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Two-factor grace period (days)")).ToHaveValueAsync("7");

        await roles.GetByLabel(PortalRoles.Integrator, new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Two-factor grace period (days)").FillAsync("14");
        await page.GetByTestId("settings-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("settings-outcome")).ToHaveTextAsync("Settings saved. They apply from the next check on.");

        var store = browser.Portal.Services.GetRequiredService<SecuritySettingsStore>();
        var saved = await store.GetAsync();
        Assert.Equal("Administrator, Helpdesk, Auditor, Integrator", saved.TwoFactorRequiredRoles);
        Assert.Equal(14, saved.TwoFactorGracePeriodDays);
        // Put the defaults back for the other tests of this portal.
        saved.TwoFactorRequiredRoles = new SecuritySettings().TwoFactorRequiredRoles;
        saved.TwoFactorGracePeriodDays = 7;
        Assert.True((await store.UpdateAsync(new Actor(1, "admin", Door.UI) { Roles = [PortalRoles.Administrator] }, saved)).Succeeded);
    }
}
