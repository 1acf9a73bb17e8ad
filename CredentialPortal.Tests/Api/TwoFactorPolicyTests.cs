using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Organisations;
using CredentialPortal.Domain.Settings;
using CredentialPortal.Domain.TwoFactor;
using CredentialPortal.Domain.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace CredentialPortal.Tests.Api;

/// <summary>
/// The two-factor policy at the API and the portal's doors, on a manual clock: a person whose role must use two-factor
/// and who has none signs in during the grace period, is refused with <c>mfa_enrolment_required</c> (and sent to the
/// security page) after it, until they enrol; the grace period starts at the first sign-in, a role change or a policy
/// change; Integrators and machine users are unaffected unless their role is chosen; and the password's minimum
/// length follows the person's second factor.
/// </summary>
public class TwoFactorPolicyTests
{
    private static readonly Actor Admin = new(1, "admin", Door.UI, "127.0.0.1") { Roles = [PortalRoles.Administrator] };

    private static (PortalAppFactory Portal, ManualClock Clock) Start()
    {
        // Whole seconds: every engine stores them exactly (PostgreSQL keeps microseconds), so stored times compare equal.
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        return (new PortalAppFactory(services: s => s.AddSingleton<TimeProvider>(clock)), clock);
    }

    private static async Task<string?> ProblemCodeAsync(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType == "application/problem+json"
            ? (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]
            : null;

    private static async Task<PortalUser> UserAsync(PortalAppFactory portal, string login)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.Users.AsNoTracking().SingleAsync(u => u.UserName == login);
    }

    private static async Task<List<AuditRecord>> AuditAsync(PortalAppFactory portal, string action, int userId)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var id = userId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.AuditRecords.AsNoTracking().Where(r => r.Action == action && r.EntityId == id).ToListAsync();
    }

    /// <summary>Enrols an authenticator for the person (the code computed with Otp.NET on the portal's clock); returns its key.</summary>
    private static async Task<string> EnrolAsync(PortalAppFactory portal, ManualClock clock, PortalUser person)
    {
        var twoFactor = portal.Services.GetRequiredService<TwoFactorSignIn>();
        var actor = new Actor(person.Id, person.LoginName, Door.UI);
        var key = (await twoFactor.BeginAsync(actor)).Value!.Key;
        Assert.True((await twoFactor.ConfirmAsync(actor, new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(clock.GetUtcNow().UtcDateTime))).Succeeded);
        clock.Advance(TimeSpan.FromSeconds(30)); // the confirming code is spent
        return key;
    }

    private static Task<HttpResponseMessage> TokenAsync(HttpClient client, JsonObject fields) =>
        client.PostAsync(ApiSession.Base + "/auth/token", new StringContent(fields.ToJsonString(), Encoding.UTF8, "application/json"));

    private static async Task<SecuritySettings> ChangeSettingsAsync(PortalAppFactory portal, Action<SecuritySettings> change)
    {
        var store = portal.Services.GetRequiredService<SecuritySettingsStore>();
        var settings = await store.GetAsync();
        change(settings);
        var saved = await store.UpdateAsync(Admin, settings);
        Assert.True(saved.Succeeded, saved.Message);
        return saved.Value!;
    }

    [Fact]
    public async Task The_token_endpoint_answers_within_the_grace_period_and_refuses_after_it_until_the_person_enrols()
    {
        var (portal, clock) = Start();
        using var _ = portal;
        var client = portal.CreateClient();

        // The helpdesk account: required by default, no second factor. Its first sign-in starts the grace period.
        var first = await ApiSession.RequestTokenAsync(client, "helpdesk", PortalAppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var refresh = (string)JsonNode.Parse(await first.Content.ReadAsStringAsync())!["refresh_token"]!;
        var helpdesk = await UserAsync(portal, "helpdesk");
        Assert.Equal(clock.GetUtcNow().UtcDateTime, helpdesk.TwoFactorRequiredSince);

        clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(30));
        var lastDay = await ApiSession.SignInAsync(portal, "helpdesk", PortalAppFactory.DemoPassword); // still inside it
        Assert.Equal(HttpStatusCode.OK, (await lastDay.GetAsync("users?limit=1")).StatusCode);
        Assert.Empty(await AuditAsync(portal, AuditActions.TwoFactorEnrolmentRequired, helpdesk.Id));

        // Seven days on: no new token, and the token issued half an hour ago stops too.
        clock.Advance(TimeSpan.FromMinutes(30));
        var refused = await ApiSession.RequestTokenAsync(client, "helpdesk", PortalAppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal("mfa_enrolment_required", (string)problem["code"]!);
        Assert.Contains("portal", (string)problem["detail"]!);
        Assert.Contains("/account/security", (string)problem["detail"]!);
        Assert.Equal("mfa_enrolment_required", await ProblemCodeAsync(await lastDay.GetAsync("users?limit=1")));
        Assert.Equal("mfa_enrolment_required", await ProblemCodeAsync(await TokenAsync(client, new JsonObject { ["refresh_token"] = refresh })));
        // A wrong password still gets the one answer for every refusal: only the right one learns of the policy.
        Assert.Equal("unauthorized", await ProblemCodeAsync(await ApiSession.RequestTokenAsync(client, "helpdesk", "not the password at all")));

        // The forced enrolment is audited once, however many doors met it; the refused sign-ins each say why.
        var forced = Assert.Single(await AuditAsync(portal, AuditActions.TwoFactorEnrolmentRequired, helpdesk.Id));
        Assert.Equal("helpdesk", forced.ActorName);
        Assert.Contains("grace period ended", forced.Outcome);
        Assert.Contains(await AuditAsync(portal, AuditActions.SignInFailed, helpdesk.Id), r => r.Outcome == "two-factor enrolment required");

        // The integrator (not in the set) signs in as ever.
        Assert.Equal(HttpStatusCode.OK, (await ApiSession.RequestTokenAsync(client, "integrator", PortalAppFactory.DemoPassword)).StatusCode);

        // Enrolling lifts it: the password and a code sign in again, and no grace period runs any more.
        var key = await EnrolAsync(portal, clock, helpdesk);
        Assert.Null((await UserAsync(portal, "helpdesk")).TwoFactorRequiredSince);
        var code = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(clock.GetUtcNow().UtcDateTime);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(client, new JsonObject
        {
            ["client_id"] = "helpdesk", ["client_secret"] = PortalAppFactory.DemoPassword, ["otp"] = code,
        })).StatusCode);
    }

    [Fact]
    public async Task After_the_grace_period_every_portal_page_leads_to_the_security_page_which_stays_open()
    {
        var (portal, clock) = Start();
        using var _ = portal;
        var auditor = await PortalForms.SignedInClientAsync(portal, "auditor", PortalAppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/audit")).StatusCode); // within the grace period

        clock.Advance(TimeSpan.FromDays(8));
        // A new sign-in lands on the security page (the session's idle timeout has long passed).
        var signedIn = await PortalForms.SignedInClientAsync(portal, "auditor", PortalAppFactory.DemoPassword);
        var landing = await signedIn.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, landing.StatusCode);
        Assert.Equal("/account/security", landing.Headers.Location!.OriginalString);
        foreach (var path in new[] { "/audit", "/users", "/account/manage/password", "/settings" })
        {
            var response = await signedIn.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString == "/account/security", $"{path}: {(int)response.StatusCode} {response.Headers.Location}");
        }
        var security = await signedIn.GetAsync("/account/security");
        Assert.Equal(HttpStatusCode.OK, security.StatusCode);
        Assert.Contains("data-testid=\"two-factor-required\"", await security.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/css/portal.css")).StatusCode); // its assets stay reachable
        Assert.Single(await AuditAsync(portal, AuditActions.TwoFactorEnrolmentRequired, (await UserAsync(portal, "auditor")).Id));

        await EnrolAsync(portal, clock, await UserAsync(portal, "auditor"));
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/audit")).StatusCode);
    }

    [Fact]
    public async Task A_policy_change_starts_the_grace_period_of_everyone_it_concerns_and_integrators_and_machine_users_only_by_their_role()
    {
        var (portal, clock) = Start();
        using var _ = portal;
        var client = portal.CreateClient();
        var machines = portal.Services.GetRequiredService<MachineUserAccounts>();
        Assert.True((await machines.AddAsync(Admin, 1, "policy-machine", null, "a machine pass phrase", null)).Succeeded);

        Assert.Equal(HttpStatusCode.OK, (await ApiSession.RequestTokenAsync(client, "integrator", PortalAppFactory.DemoPassword)).StatusCode);
        Assert.Null((await UserAsync(portal, "integrator")).TwoFactorRequiredSince); // not required: nothing starts

        // Integrators chosen, two days' grace: the integrator's grace period starts with the change, before any sign-in.
        await ChangeSettingsAsync(portal, s =>
        {
            s.TwoFactorRequiredRoles = SecuritySettings.JoinRoles([.. SecuritySettings.RoleNames(s.TwoFactorRequiredRoles), PortalRoles.Integrator]);
            s.TwoFactorGracePeriodDays = 2;
        });
        Assert.Equal(clock.GetUtcNow().UtcDateTime, (await UserAsync(portal, "integrator")).TwoFactorRequiredSince);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(HttpStatusCode.OK, (await ApiSession.RequestTokenAsync(client, "integrator", PortalAppFactory.DemoPassword)).StatusCode);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal("mfa_enrolment_required", await ProblemCodeAsync(await ApiSession.RequestTokenAsync(client, "integrator", PortalAppFactory.DemoPassword)));
        // A machine user holds no portal role: never asked.
        Assert.Equal(HttpStatusCode.OK, (await ApiSession.RequestTokenAsync(client, "policy-machine", "a machine pass phrase")).StatusCode);

        // Integrators left out again: their grace period is gone with the requirement.
        await ChangeSettingsAsync(portal, s => s.TwoFactorRequiredRoles = SecuritySettings.JoinRoles([PortalRoles.Administrator, PortalRoles.Helpdesk, PortalRoles.Auditor]));
        var integrator = await UserAsync(portal, "integrator");
        Assert.Null(integrator.TwoFactorRequiredSince);
        Assert.False(integrator.TwoFactorEnforcementRecorded);
        Assert.Equal(HttpStatusCode.OK, (await ApiSession.RequestTokenAsync(client, "integrator", PortalAppFactory.DemoPassword)).StatusCode);
        Assert.Single(await AuditAsync(portal, AuditActions.TwoFactorEnrolmentRequired, integrator.Id));
    }

    [Fact]
    public async Task A_role_change_starts_the_grace_period_and_losing_the_role_ends_it()
    {
        var (portal, clock) = Start();
        using var _ = portal;
        var people = portal.Services.GetRequiredService<PeopleCredentials>();
        Assert.True((await people.SetPasswordAsync(Admin, 16, "new plain password")).Succeeded);
        var client = portal.CreateClient();

        Assert.True((await people.SetRolesAsync(Admin, 16, [PortalRoles.Auditor])).Succeeded);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, (await UserAsync(portal, "gabor.toth")).TwoFactorRequiredSince);
        clock.Advance(TimeSpan.FromDays(7));
        // Never signed in since: the grace period ran from the role change.
        Assert.Equal("mfa_enrolment_required", await ProblemCodeAsync(await ApiSession.RequestTokenAsync(client, "gabor.toth", "new plain password")));

        Assert.True((await people.SetRolesAsync(Admin, 16, [])).Succeeded);
        Assert.Null((await UserAsync(portal, "gabor.toth")).TwoFactorRequiredSince);
        Assert.Equal(HttpStatusCode.OK, (await ApiSession.RequestTokenAsync(client, "gabor.toth", "new plain password")).StatusCode);
    }

    [Fact]
    public async Task A_persons_password_needs_15_characters_without_a_second_factor_and_12_with_one_machine_users_keep_12()
    {
        var (portal, clock) = Start();
        using var _ = portal;
        var admin = await ApiSession.SignInAsync(portal, "admin", PortalAppFactory.AdminPassword);
        const string thirteen = "thirteen char";

        // Gábor has no second factor: 13 characters are refused, naming the minimum of 15.
        var refused = await admin.PatchAsync("users/16", $$"""{ "password": "{{thirteen}}" }""");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await ApiSession.JsonAsync(refused))["errors"]!["password"]!.AsArray().Select(e => (string)e!).ToList();
        Assert.Contains(errors, e => e.Contains("at least 15 characters", StringComparison.Ordinal));
        // The source document's example (18 characters) stays valid.
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsync("users/16", """{ "password": "new plain password" }""")).StatusCode);

        // With two-factor on, 12 is the minimum: the same 13 characters are accepted.
        await EnrolAsync(portal, clock, await UserAsync(portal, "gabor.toth"));
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsync("users/16", $$"""{ "password": "{{thirteen}}" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PatchAsync("users/16", """{ "password": "eleven char" }""")).StatusCode);

        // Machine users keep the minimum they had: 12.
        var created = await ApiSession.JsonAsync(await admin.PostAsync("orgs/1/machineUsers", """{ "name": "length-machine" }"""));
        var machine = $"machineUsers/{created["id"]}/password";
        Assert.Equal(HttpStatusCode.NoContent, (await admin.SendAsync(HttpMethod.Put, machine, """{ "password": "twelve chars" }""")).StatusCode);
        var tooShort = await admin.SendAsync(HttpMethod.Put, machine, """{ "password": "eleven char" }""");
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("at least 12 characters", await tooShort.Content.ReadAsStringAsync());
    }
}
