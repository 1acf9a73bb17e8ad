using CredentialPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>
/// The portal's Content-Security-Policy (script-src 'self', no inline script) holds on every page, in its dialogs and on
/// the API reference page, which renders the served document from this origin only.
/// </summary>
[Collection(BrowserCollection.Name)]
public class ContentSecurityPolicyTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_portal_works_under_its_content_security_policy()
    {
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync("/account/login");
        var headers = await response!.AllHeadersAsync();
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"]);
        Assert.DoesNotContain("unsafe-eval", headers["content-security-policy"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("no-referrer", headers["referrer-policy"]);

        await browser.SignInToDashboardAsync(page, "admin", PortalAppFactory.AdminPassword);
        await BrowserFixture.WaitForInteractivityAsync(page);
        foreach (var path in new[] { "/users", "/storage-targets/11", "/audit", "/settings", "/servers/rec01", "/machine-users" })
        {
            await page.GotoAsync(path);
            await BrowserFixture.WaitForInteractivityAsync(page);
        }
        // A dialog (MudBlazor's JS) opens and closes under the policy too.
        await page.GotoAsync("/storage-targets/11");
        await BrowserFixture.WaitForInteractivityAsync(page);
        await page.GetByTestId("rotate-secretAccessKey").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        // The first field has the focus, so typing goes there and Esc closes the dialog.
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog).GetByTestId("secret-new")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        lock (browser.PageErrors) Assert.True(browser.PageErrors.Count == 0, string.Join("\n", browser.PageErrors));
    }

    /// <summary>The API reference page renders the served document in Chromium under the portal's CSP, with no outside request.</summary>
    [Fact]
    public async Task The_api_reference_renders_the_document_under_the_content_security_policy_from_this_origin_only()
    {
        var page = await browser.NewPageAsync();
        var outside = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(browser.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                lock (outside) outside.Add(request.Url);
            }
        };
        var errorsBefore = browser.PageErrors.Count;

        var response = await page.GotoAsync("/api-reference");
        Assert.Equal(200, response!.Status);
        Assert.Contains("script-src 'self';", (await response.AllHeadersAsync())["content-security-policy"]);
        // The document's title, and an operation from the catalog, rendered by the script.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "CredentialPortal REST API v1" }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Get an access token with a login name and password").First).ToBeAttachedAsync();

        // "Try it": the token operation's test request goes to this portal and its answer is shown.
        var apiCall = page.WaitForResponseAsync(r => r.Url.EndsWith("/verba/restapi/v1/auth/token", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Test Request" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).First.ClickAsync();
        var answer = await apiCall;
        // The example body's password is not the integrator's: the portal's own refusal, shown in the page.
        Assert.Equal(401, answer.Status);
        await Assertions.Expect(page.GetByText("The client id or secret is incorrect").First).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(500);

        lock (browser.PageErrors) Assert.True(browser.PageErrors.Count == errorsBefore, string.Join("\n", browser.PageErrors.Skip(errorsBefore)));
        lock (outside) Assert.True(outside.Count == 0, "requests outside the portal: " + string.Join(", ", outside));
    }
}
