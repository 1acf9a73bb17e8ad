using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using CredentialPortal.Components.Account;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Api;

/// <summary>The portal's session cookie: it ends after idle time, work in a tab keeps it, and every form needs antiforgery.</summary>
public class PortalSessionTests
{
    private static (PortalAppFactory Portal, ManualClock Clock) Start(string? idleTimeout = null)
    {
        var clock = new ManualClock();
        var overrides = new Dictionary<string, string?>();
        if (idleTimeout is not null) overrides["Portal:SessionIdleTimeout"] = idleTimeout;
        return (new PortalAppFactory(overrides: overrides, services: s => s.AddSingleton<TimeProvider>(clock)), clock);
    }

    private static async Task<bool> SignedInAsync(HttpClient client)
    {
        var response = await client.GetAsync("/settings");
        return response.StatusCode == HttpStatusCode.OK;
    }

    [Fact]
    public async Task The_session_ends_after_thirty_idle_minutes_and_the_tabs_keepalive_slides_it()
    {
        var (portal, clock) = Start();
        using var _ = portal;
        var client = await PortalForms.SignedInClientAsync(portal, "admin", PortalAppFactory.AdminPassword);
        Assert.True(await SignedInAsync(client));

        // Someone working in an open tab: their clicks reach the keepalive, which renews the cookie past half-life.
        clock.Advance(TimeSpan.FromMinutes(20));
        var renewed = await client.GetAsync(SessionKeepAlive.Path);
        Assert.Equal(HttpStatusCode.NoContent, renewed.StatusCode);
        Assert.Contains(renewed.Headers.GetValues("Set-Cookie"), c => c.StartsWith("CredentialPortal.Session=", StringComparison.Ordinal));
        clock.Advance(TimeSpan.FromMinutes(20));
        Assert.True(await SignedInAsync(client)); // 40 minutes after sign-in, 20 after the last activity

        // Then 31 idle minutes: the cookie no longer signs anyone in, and the keepalive cannot revive it.
        clock.Advance(TimeSpan.FromMinutes(31));
        var expired = await client.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode);
        Assert.StartsWith(AccountPaths.Login, expired.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(SessionKeepAlive.Path)).StatusCode);
    }

    [Fact]
    public async Task The_idle_timeout_is_configurable()
    {
        var (portal, clock) = Start(idleTimeout: "00:05:00");
        using var _ = portal;
        var client = await PortalForms.SignedInClientAsync(portal, "admin", PortalAppFactory.AdminPassword);
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.True(await SignedInAsync(client));
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.False(await SignedInAsync(client));
    }

    [Fact]
    public async Task Every_form_carries_an_antiforgery_token_and_a_post_without_it_changes_nothing()
    {
        var (portal, _) = Start();
        using var __ = portal;
        var client = await PortalForms.SignedInClientAsync(portal, "admin", PortalAppFactory.AdminPassword);

        // The static forms: sign-in, change password, and the sign-out button on every page.
        var forms = new List<(string Page, IHtmlFormElement Form)>();
        foreach (var path in new[] { AccountPaths.ChangePassword, "/" })
        {
            forms.AddRange(FormsOn(path, await client.GetStringAsync(path)));
        }
        var anonymous = portal.CreateClient(new() { AllowAutoRedirect = false });
        forms.AddRange(FormsOn(AccountPaths.Login, await anonymous.GetStringAsync(AccountPaths.Login)));
        Assert.Contains(forms, f => f.Form.Action.EndsWith(AccountPaths.Logout, StringComparison.Ordinal));
        Assert.Contains(forms, f => f.Page == AccountPaths.Login);
        Assert.Contains(forms, f => f.Page == AccountPaths.ChangePassword);

        foreach (var (page, form) in forms)
        {
            var fields = form.Elements.OfType<IHtmlInputElement>().Where(i => !string.IsNullOrEmpty(i.Name)).ToDictionary(i => i.Name!, i => i.Value);
            Assert.True(fields.ContainsKey("__RequestVerificationToken"), $"the form on {page} has no antiforgery token");
            fields.Remove("__RequestVerificationToken");
            // Fill what a forger would: a new password for the change form, credentials for sign-in.
            foreach (var name in fields.Keys.Where(k => k.Contains("Password", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                fields[name] = name.Contains("Current") ? PortalAppFactory.AdminPassword : "Forged-Password-Change-2026";
            }
            if (fields.ContainsKey("Input.LoginName")) fields["Input.LoginName"] = "admin";
            var target = new Uri(form.Action, UriKind.RelativeOrAbsolute).IsAbsoluteUri ? new Uri(form.Action).PathAndQuery : form.Action;
            var sender = page == AccountPaths.Login ? anonymous : client;
            var response = await sender.PostAsync(target, new FormUrlEncodedContent(fields));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"POST {target} from {page} without a token answered {(int)response.StatusCode}");
            Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("CredentialPortal.Session=", StringComparison.Ordinal)),
                $"POST {target} without a token set a session cookie");
        }

        // Nothing happened: still signed in (sign-out refused), and the password is unchanged.
        Assert.True(await SignedInAsync(client));
        var again = await PortalForms.SignedInClientAsync(portal, "admin", PortalAppFactory.AdminPassword);
        Assert.True(await SignedInAsync(again));
    }

    [Fact]
    public async Task The_passkey_ceremonies_refuse_a_request_without_the_pages_antiforgery_token()
    {
        var (portal, _) = Start();
        using var __ = portal;
        var client = await PortalForms.SignedInClientAsync(portal, "admin", PortalAppFactory.AdminPassword);
        var page = await client.GetStringAsync("/account/security");
        var token = new HtmlParser().ParseDocument(page).QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value");
        Assert.False(string.IsNullOrEmpty(token));

        foreach (var path in new[] { PasskeyEndpoints.CreationOptionsPath, PasskeyEndpoints.RegisterPath, PasskeyEndpoints.RequestOptionsPath,
                     PasskeyEndpoints.StepUpOptionsPath, PasskeyEndpoints.StepUpPath })
        {
            var refused = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["credential"] = "{}", ["change"] = "Roles" }));
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"POST {path} without a token answered {(int)refused.StatusCode}");
            Assert.Contains("form token", await refused.Content.ReadAsStringAsync());
            Assert.False(refused.Headers.Contains("Set-Cookie"), $"POST {path} without a token set a cookie");
        }

        // With the token the same client gets its options: the refusal above was the token's, not the route's.
        var options = await client.PostAsync(PasskeyEndpoints.StepUpOptionsPath, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token! }));
        Assert.Equal(HttpStatusCode.OK, options.StatusCode);
        Assert.Contains("challenge", await options.Content.ReadAsStringAsync());

        await using var scope = portal.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<CredentialPortal.Data.PortalDbContext>().AuditRecords.AnyAsync(r => r.Action == AuditActions.StepUp));
    }

    private static IEnumerable<(string, IHtmlFormElement)> FormsOn(string path, string html) =>
        new HtmlParser().ParseDocument(html).QuerySelectorAll("form").OfType<IHtmlFormElement>()
            .Where(f => string.Equals(f.Method, "post", StringComparison.OrdinalIgnoreCase))
            .Select(f => (path, f));
}
