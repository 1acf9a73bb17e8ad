using System.Net;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Verification;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Api;

/// <summary>
/// Temporary passwords (Keycloak's "Temporary" reset): set for someone else with <c>mustChangePassword</c>, they open
/// nothing but the change of password, and they expire unused after <c>Portal:TemporaryPasswordLifetime</c>.
/// </summary>
public class TemporaryPasswordTests
{
    private const string Temporary = "temporary pass phrase one";

    private static (PortalAppFactory Portal, ManualClock Clock) Start()
    {
        var clock = new ManualClock();
        return (new PortalAppFactory(services: s => s.AddSingleton<TimeProvider>(clock)), clock);
    }

    private static Task<ApiSession> As(PortalAppFactory portal, string login) =>
        ApiSession.SignInAsync(portal, login, login == "admin" ? PortalAppFactory.AdminPassword : PortalAppFactory.DemoPassword);

    private static async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!;
    }

    private static async Task<List<AuditRecord>> AuditAsync(PortalAppFactory portal, string action)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.AuditRecords.AsNoTracking().Where(r => r.Action == action).ToListAsync();
    }

    [Fact]
    public async Task A_temporary_reset_asks_for_a_change_at_the_token_endpoint_and_expires_unused()
    {
        var (portal, clock) = Start();
        using var _ = portal;
        var helpdesk = await As(portal, "helpdesk");

        var reset = await helpdesk.PatchAsync("users/16", $$"""{ "password": "{{Temporary}}", "mustChangePassword": true }""");
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.True((bool)(await ApiSession.JsonAsync(reset))["mustChangePassword"]!);
        Assert.True((bool)(await ApiSession.JsonAsync(await helpdesk.GetAsync("users/16")))["mustChangePassword"]!);
        var listed = (await ApiSession.JsonAsync(await helpdesk.GetAsync("users?search=gabor"))).AsArray();
        Assert.True((bool)listed.Single(u => (int)u!["id"]! == 16)!["mustChangePassword"]!);

        // The right temporary password gets no token but a reason; a wrong one the one answer for every refusal.
        var client = portal.CreateClient();
        var change = await ProblemAsync(await ApiSession.RequestTokenAsync(client, "gabor.toth", Temporary), HttpStatusCode.Forbidden);
        Assert.Equal("password_change_required", (string)change["code"]!);
        var wrong = await ProblemAsync(await ApiSession.RequestTokenAsync(client, "gabor.toth", "not the temporary one"), HttpStatusCode.Unauthorized);
        Assert.Equal("unauthorized", (string)wrong["code"]!);

        // 72 hours later it has expired: the person is told to ask the helpdesk, the expiry is audited once.
        clock.Advance(TimeSpan.FromHours(72) + TimeSpan.FromMinutes(1));
        var expired = await ProblemAsync(await ApiSession.RequestTokenAsync(client, "gabor.toth", Temporary), HttpStatusCode.Unauthorized);
        Assert.Equal("temporary_password_expired", (string)expired["code"]!);
        Assert.Contains("helpdesk", (string)expired["detail"]!);
        var sweep = portal.Services.GetRequiredService<LockoutExpirySweep>();
        await sweep.SweepAsync();
        await sweep.SweepAsync();
        var expiry = Assert.Single(await AuditAsync(portal, AuditActions.TemporaryPasswordExpired));
        Assert.Equal("16", expiry.EntityId);

        // A permanent password (the source document's request, no flag) clears the state: the token endpoint answers.
        var admin = await As(portal, "admin");
        var permanent = await admin.PatchAsync("users/16", """{ "password": "new plain password" }""");
        Assert.False((bool)(await ApiSession.JsonAsync(permanent))["mustChangePassword"]!);
        Assert.Equal(HttpStatusCode.OK, (await ApiSession.RequestTokenAsync(client, "gabor.toth", "new plain password")).StatusCode);

        var set = Assert.Single(await AuditAsync(portal, AuditActions.TemporaryPasswordSet));
        Assert.Equal("helpdesk", set.ActorName);
        Assert.Contains("expires unused at", set.Outcome);
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var everything = string.Join("\n", (await db.AuditRecords.AsNoTracking().ToListAsync()).Select(r => $"{r.Action} {r.Properties} {r.Outcome}"));
        Assert.DoesNotContain(Temporary, everything);
        Assert.DoesNotContain(Temporary, portal.Logs.Text);
    }

    [Fact]
    public async Task The_flag_belongs_to_the_password_a_directory_user_cannot_have_it_and_it_stops_open_tokens()
    {
        var (portal, _) = Start();
        using var __ = portal;
        var admin = await As(portal, "admin");
        var auditor = await As(portal, "auditor");
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsync("users/16", """{ "password": "new plain password" }""")).StatusCode);
        var person = await ApiSession.SignInAsync(portal, "gabor.toth", "new plain password");

        var refused = await ProblemAsync(await auditor.PatchAsync("users/16", """{ "mustChangePassword": true }"""), HttpStatusCode.Forbidden);
        Assert.Equal("forbidden", (string)refused["code"]!);
        var directory = await ProblemAsync(await admin.PatchAsync("users/17", """{ "mustChangePassword": true }"""), HttpStatusCode.BadRequest);
        Assert.Contains("mustChangePassword", directory["errors"]!.AsObject().Select(e => e.Key));
        var wrongType = await ProblemAsync(await admin.PatchAsync("users/16", """{ "mustChangePassword": "yes" }"""), HttpStatusCode.BadRequest);
        Assert.Contains("mustChangePassword", wrongType["errors"]!.AsObject().Select(e => e.Key));
        // The person holds no role: their token is valid but may read nothing ("forbidden", not "password_change_required").
        Assert.Equal("forbidden", (string)(await ProblemAsync(await person.GetAsync("users/16"), HttpStatusCode.Forbidden))["code"]!);

        // The helpdesk (password only) may set the flag on its own: the person's open token stops at once.
        var helpdesk = await As(portal, "helpdesk");
        Assert.Equal(HttpStatusCode.OK, (await helpdesk.PatchAsync("users/16", """{ "mustChangePassword": true }""")).StatusCode);
        var stopped = await ProblemAsync(await person.GetAsync("users/16"), HttpStatusCode.Forbidden);
        Assert.Equal("password_change_required", (string)stopped["code"]!);
        Assert.Equal(HttpStatusCode.OK, (await helpdesk.PatchAsync("users/16", """{ "mustChangePassword": false }""")).StatusCode);
        Assert.Equal("forbidden", (string)(await ProblemAsync(await person.GetAsync("users/16"), HttpStatusCode.Forbidden))["code"]!);
    }

    [Fact]
    public async Task Signing_in_to_the_portal_with_a_temporary_password_opens_only_the_change_and_the_change_clears_it()
    {
        var (portal, _) = Start();
        using var __ = portal;
        var admin = await As(portal, "admin");
        var auditorId = (int)(await ApiSession.JsonAsync(await admin.GetAsync("users?search=auditor"))).AsArray()
            .Single(u => (string)u!["loginName"]! == "auditor")!["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsync($"users/{auditorId}", $$"""{ "password": "{{Temporary}}", "mustChangePassword": true }""")).StatusCode);

        var browser = await PortalForms.SignedInClientAsync(portal, "auditor", Temporary);
        foreach (var page in new[] { "/", "/audit", "/users" })
        {
            var sent = await browser.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
            Assert.Equal("/account/manage/password", sent.Headers.Location?.OriginalString);
        }
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/manage/password")).StatusCode);

        var done = await PortalForms.SubmitAsync(browser, "/account/manage/password", new()
        {
            ["Input.CurrentPassword"] = Temporary, ["Input.NewPassword"] = "my own pass phrase now", ["Input.ConfirmPassword"] = "my own pass phrase now",
        });
        Assert.Contains("Your password is changed.", await done.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/audit")).StatusCode);
        Assert.False((bool)(await ApiSession.JsonAsync(await admin.GetAsync($"users/{auditorId}")))["mustChangePassword"]!);
        var changed = Assert.Single(await AuditAsync(portal, AuditActions.TemporaryPasswordChanged));
        Assert.Equal("auditor", changed.ActorName);
    }
}
