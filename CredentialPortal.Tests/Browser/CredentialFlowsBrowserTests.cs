using System.Text.RegularExpressions;
using CredentialPortal.Tests.Infrastructure;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>The persona flows of the portal, in Chromium.</summary>
[Collection(BrowserCollection.Name)]
public class CredentialFlowsBrowserTests(BrowserFixture browser)
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.OutputDirectory, name);

    /// <summary>The three personas in order: the auditor reviews what the administrator and the helpdesk did.</summary>
    [Fact]
    public async Task Admin_rotates_helpdesk_resets_and_the_auditor_reviews_both()
    {
        await Admin_rotates_storage_target_11_and_verifies_the_new_secret();
        var generated = await Helpdesk_resets_user_16_with_a_generated_password_and_sees_it_once();
        await Auditor_finds_both_changes_exports_them_and_cannot_edit(generated);
    }

    private async Task Admin_rotates_storage_target_11_and_verifies_the_new_secret()
    {
        var page = await browser.AdminPageAsync("/storage-targets/11");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Amazon S3", Exact = true })).ToBeVisibleAsync();

        // The form comes from the catalog: S3 fields, only the access key id editable.
        await page.GetByTestId("entity-edit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("input-accessKeyId")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("value-bucket")).ToHaveTextAsync("bucket name");
        await Assertions.Expect(page.GetByTestId("input-bucket")).ToHaveCountAsync(0);
        await page.GetByTestId("input-accessKeyId").FillAsync("bad key with spaces");
        await page.GetByTestId("entity-save").ClickAsync();
        // The type's validator answers by the field (the input is described by the message) and nothing is sent.
        await Assertions.Expect(page.GetByTestId("input-accessKeyId")).ToHaveAccessibleDescriptionAsync(new Regex("must not contain spaces"));
        await Assertions.Expect(page.GetByTestId("input-accessKeyId")).ToHaveValueAsync("bad key with spaces"); // input kept
        await page.ScreenshotAsync(new() { Path = Shot("storage-target-edit-1280.png"), FullPage = true });
        await page.GetByTestId("input-accessKeyId").FillAsync("AKIAPORTALROTATION01");
        await page.GetByTestId("entity-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("value-accessKeyId")).ToHaveTextAsync("AKIAPORTALROTATION01");

        // Rotate: type twice, save.
        await page.GetByTestId("rotate-secretAccessKey").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("secret-new").FillAsync("rotated-in-the-portal-2026");
        await dialog.GetByTestId("secret-confirm").FillAsync("rotated-in-the-portal-2026");
        await dialog.GetByTestId("secret-save").ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("secret-saved")).ToBeVisibleAsync();
        await Assertions.Expect(dialog.GetByTestId("one-time-secret")).ToHaveCountAsync(0); // typed, not generated: nothing to show
        await dialog.GetByTestId("secret-close").ClickAsync();
        await Assertions.Expect(page.GetByTestId("secret-state-secretAccessKey")).ToContainTextAsync("just now");

        // Verify: the new value matches, another does not.
        await page.GetByTestId("verify-secretAccessKey").ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("verify-value").FillAsync("rotated-in-the-portal-2026");
        await dialog.GetByTestId("verify-submit").ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("verify-outcome")).ToContainTextAsync("Matches");
        await dialog.GetByTestId("verify-value").FillAsync("something else");
        await dialog.GetByTestId("verify-submit").ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("verify-outcome")).ToContainTextAsync("Does not match");
        await page.Keyboard.PressAsync("Escape");

        await Assertions.Expect(page.GetByTestId("entity-history").GetByTestId("audit-row").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("entity-history")).ToContainTextAsync("secret-rotated");
    }

    /// <summary>An administrator edits a person: a bad email is refused by the field (the domain's validator), roles change in their dialog, disabling asks first.</summary>
    [Fact]
    public async Task Admin_edits_a_person_changes_roles_and_disables_after_confirming()
    {
        var page = await browser.AdminPageAsync("/users/11");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ben Okafor" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Breadcrumb" }).GetByRole(AriaRole.Link, new() { Name = "Users" })).ToBeVisibleAsync();

        await page.GetByTestId("user-edit").ClickAsync();
        var email = page.GetByLabel("Email");
        await email.FillAsync("not an email");
        await page.GetByTestId("user-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-form")).ToContainTextAsync("'Email' is not a valid email address.");
        await Assertions.Expect(email).ToHaveValueAsync("not an email"); // the input is kept
        var people = browser.Portal.Services.GetRequiredService<CredentialPortal.Domain.Users.PeopleCredentials>();
        Assert.NotEqual("not an email", (await people.GetAsync(11))!.Email); // and nothing changed
        await email.FillAsync("ben.okafor@portal.example.com");
        await page.GetByTestId("user-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("value-email")).ToHaveTextAsync("ben.okafor@portal.example.com");

        await page.GetByTestId("edit-roles").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Auditor").CheckAsync();
        await dialog.GetByTestId("roles-save").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("user-roles")).ToContainTextAsync("Auditor");

        // Disabling asks first; cancelling changes nothing.
        await page.GetByTestId("toggle-enabled").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByTestId("confirm-cancel").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-status")).ToHaveTextAsync("Enabled");
        await page.GetByTestId("toggle-enabled").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog).GetByTestId("confirm-ok")).ToHaveTextAsync("Disable");
        await page.GetByRole(AriaRole.Dialog).GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-status")).ToHaveTextAsync("Disabled");
        Assert.False((await people.GetAsync(11))!.Enabled);

        // Put Ben back as he was, for the other tests.
        await page.GetByTestId("toggle-enabled").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-status")).ToHaveTextAsync("Enabled");
        await page.GetByTestId("edit-roles").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByLabel("Auditor").UncheckAsync();
        await page.GetByRole(AriaRole.Dialog).GetByTestId("roles-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-roles")).Not.ToContainTextAsync("Auditor");
        await page.Context.CloseAsync();
    }

    private async Task<string> Helpdesk_resets_user_16_with_a_generated_password_and_sees_it_once()
    {
        var page = await browser.NewPageAsync();
        await browser.SignInToDashboardAsync(page, "helpdesk", PortalAppFactory.DemoPassword);
        await BrowserFixture.WaitForInteractivityAsync(page); // a click before the circuit is up may be lost
        await page.GetByTestId("portal-nav").GetByText("Users").ClickAsync();
        await page.WaitForURLAsync(new Regex("/users$"));
        await BrowserFixture.WaitForInteractivityAsync(page);
        await page.GetByTestId("user-search").FillAsync("gabor");
        await Assertions.Expect(page.GetByTestId("user-link")).ToHaveCountAsync(1);
        await page.GetByTestId("user-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-login")).ToHaveTextAsync("gabor.toth");

        // Helpdesk: reset and verify, nothing else.
        await Assertions.Expect(page.GetByTestId("user-edit")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("edit-roles")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("toggle-enabled")).ToHaveCountAsync(0);

        await page.GetByTestId("reset-password").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        // Live policy feedback while typing.
        await dialog.GetByTestId("secret-new").PressSequentiallyAsync("gabor.toth");
        await Assertions.Expect(dialog.GetByTestId("policy-violations")).ToContainTextAsync("login name");
        await Assertions.Expect(dialog.GetByTestId("policy-violations")).ToContainTextAsync("at least 15");
        await Assertions.Expect(dialog.GetByTestId("secret-save")).ToBeDisabledAsync();

        await dialog.GetByTestId("secret-generate").ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("policy-ok")).ToBeVisibleAsync();
        // A reset for someone else is temporary by default (they choose their own at the next sign-in).
        await Assertions.Expect(dialog.GetByLabel("Temporary: they must choose their own at the next sign-in")).ToBeCheckedAsync();
        await dialog.GetByTestId("secret-save").ClickAsync();
        var shown = dialog.GetByTestId("one-time-secret-value");
        await Assertions.Expect(shown).ToBeVisibleAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("cannot be shown again");
        // Masked until asked; Close waits for "I have stored it".
        await Assertions.Expect(dialog.GetByTestId("secret-close")).ToBeDisabledAsync();
        await dialog.GetByTestId("reveal-secret").ClickAsync();
        await Assertions.Expect(shown).Not.ToContainTextAsync("•");
        var generated = await shown.InnerTextAsync();
        Assert.Equal(32, generated.Length);
        await dialog.GetByTestId("secret-stored").CheckAsync();
        await dialog.GetByTestId("secret-close").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-password-changed")).ToContainTextAsync("just now");
        Assert.DoesNotContain(generated, await page.ContentAsync());

        // The shown value is the password now.
        var people = browser.Portal.Services.GetRequiredService<CredentialPortal.Domain.Users.PeopleCredentials>();
        var outcome = await people.VerifyAsync(new(null, "test", CredentialPortal.Domain.Audit.Door.System), 16, generated);
        Assert.True(outcome.Value!.Matches);
        return generated;
    }

    private async Task Auditor_finds_both_changes_exports_them_and_cannot_edit(string generatedPassword)
    {
        var page = await browser.NewPageAsync();
        await browser.SignInToDashboardAsync(page, "auditor", PortalAppFactory.DemoPassword);
        await page.GotoAsync("/audit");
        await BrowserFixture.WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByTestId("chain-status")).ToContainTextAsync("Chain intact through record");

        // Each row names its entity, linked to its page (not "storageTargets 11").
        var rows = page.GetByTestId("audit-table").GetByRole(AriaRole.Row);
        await Assertions.Expect(rows.Filter(new() { HasText = "secret-rotated" }).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "Amazon S3" }) })
            .Filter(new() { HasText = "admin" }).First).ToBeVisibleAsync();
        await Assertions.Expect(rows.Filter(new() { HasText = "temporary-password-set" }).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "Gábor Tóth" }) })
            .Filter(new() { HasText = "helpdesk" }).First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("audit-1280.png"), FullPage = true });

        // Filter to the helpdesk's changes through the portal, then export exactly those rows.
        await page.GetByLabel("Actor").FillAsync("helpdesk");
        await page.GetByLabel("Actor").PressAsync("Tab");
        await page.GetByLabel("Door").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "UI", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/audit\?actor=helpdesk&door=UI$"));
        await Assertions.Expect(rows.Filter(new() { HasText = "admin" })).ToHaveCountAsync(0);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("sequence,occurredAtUtc,actor,door,action", lines[0]);
        Assert.Contains(lines, l => l.Contains(",helpdesk,UI,temporary-password-set,users,16,"));
        Assert.All(lines.Skip(1), l => Assert.Contains(",helpdesk,UI,", l));
        Assert.DoesNotContain(generatedPassword, csv);

        // Read-only: no edit control anywhere on a storage target.
        await page.GotoAsync("/storage-targets/11");
        await BrowserFixture.WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByTestId("secrets-panel")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("entity-edit")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("rotate-secretAccessKey")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("verify-secretAccessKey")).ToHaveCountAsync(0);

        // A forged write with the auditor's own credentials, straight at the server, is refused and changes nothing.
        using var http = new HttpClient { BaseAddress = browser.BaseAddress };
        var token = await http.PostAsJsonAsync("/verba/restapi/v1/auth/token", new { client_id = "auditor", client_secret = PortalAppFactory.DemoPassword });
        Assert.True(token.IsSuccessStatusCode, $"token request answered {(int)token.StatusCode}: {await token.Content.ReadAsStringAsync()}");
        var accessToken = (await token.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["access_token"]!.ToString();
        var forged = new HttpRequestMessage(HttpMethod.Patch, "/verba/restapi/v1/storageTargets/11") { Content = JsonContent.Create(new { accessKeyId = "FORGED" }) };
        forged.Headers.Authorization = new("Bearer", accessToken);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await http.SendAsync(forged)).StatusCode);
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("value-accessKeyId")).ToHaveTextAsync("AKIAPORTALROTATION01");
    }
}
