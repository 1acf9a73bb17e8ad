using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.TwoFactor;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace CredentialPortal.Tests.Api;

/// <summary>
/// The token endpoint for a person with two-factor: the password alone answers <c>mfa_required</c>, the password with
/// the app's code (computed here with Otp.NET, as the app does) succeeds once, a replayed code is refused, a recovery
/// code works once, wrong codes count toward the sign-in lockout, and nothing of the key or the codes is stored,
/// logged or audited in plain text.
/// </summary>
public class TwoFactorTokenTests
{
    private const string Password = "new plain password";

    private sealed class Enrolled
    {
        public required PortalAppFactory Portal { get; init; }
        public required ManualClock Clock { get; init; }
        public required string Key { get; init; }
        public required IReadOnlyList<string> RecoveryCodes { get; init; }
        public string CodeNow() => new Totp(Base32Encoding.ToBytes(Key)).ComputeTotp(Clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>A portal where gabor.toth (id 16) has a known password and a confirmed authenticator.</summary>
    private static async Task<Enrolled> EnrolAsync()
    {
        var clock = new ManualClock();
        var portal = new PortalAppFactory(services: s => s.AddSingleton<TimeProvider>(clock));
        var admin = await ApiSession.SignInAsync(portal, "admin", PortalAppFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsync("users/16", $$"""{ "password": "{{Password}}" }""")).StatusCode);
        var twoFactor = portal.Services.GetRequiredService<TwoFactorSignIn>();
        var person = new Actor(16, "gabor.toth", Door.UI);
        var setup = (await twoFactor.BeginAsync(person)).Value!;
        Assert.StartsWith("otpauth://totp/CredentialPortal%3Agabor.toth?secret=", setup.Uri);
        Assert.Equal("Invalid", DomainStatusOf(await twoFactor.ConfirmAsync(person, "000000")));
        var code = new Totp(Base32Encoding.ToBytes(setup.Key)).ComputeTotp(clock.GetUtcNow().UtcDateTime);
        var codes = (await twoFactor.ConfirmAsync(person, code)).Value!;
        Assert.Equal(TwoFactorSignIn.RecoveryCodeCount, codes.Count);
        clock.Advance(TimeSpan.FromSeconds(30)); // the confirming code is spent: start on the next step
        return new() { Portal = portal, Clock = clock, Key = setup.Key, RecoveryCodes = codes };
    }

    private static string DomainStatusOf<T>(CredentialPortal.Domain.DomainResult<T> result) => result.Status.ToString();

    private static Task<HttpResponseMessage> TokenAsync(HttpClient client, string password, string? otp = null) =>
        client.PostAsync(ApiSession.Base + "/auth/token", new StringContent(
            new JsonObject { ["client_id"] = "gabor.toth", ["client_secret"] = password, ["otp"] = otp }.ToJsonString(), Encoding.UTF8, "application/json"));

    private static async Task<string> CodeOfAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]!;
    }

    [Fact]
    public async Task The_password_alone_asks_for_the_code_a_code_works_once_and_a_recovery_code_once()
    {
        var enrolled = await EnrolAsync();
        using var _ = enrolled.Portal;
        var client = enrolled.Portal.CreateClient();

        var passwordOnly = await TokenAsync(client, Password);
        Assert.Equal(HttpStatusCode.Unauthorized, passwordOnly.StatusCode);
        Assert.Equal("mfa_required", await CodeOfAsync(passwordOnly));

        var code = enrolled.CodeNow();
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(client, Password, code)).StatusCode);
        var replay = await TokenAsync(client, Password, code);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal("mfa_invalid", await CodeOfAsync(replay));

        // The same code as a form field, on the next step: accepted (form and JSON alike).
        enrolled.Clock.Advance(TimeSpan.FromSeconds(30));
        var form = await client.PostAsync(ApiSession.Base + "/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "gabor.toth", ["client_secret"] = Password, ["otp"] = enrolled.CodeNow(),
        }));
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);

        var recovery = enrolled.RecoveryCodes[3];
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(client, Password, recovery.ToUpperInvariant())).StatusCode);
        Assert.Equal("mfa_invalid", await CodeOfAsync(await TokenAsync(client, Password, recovery)));
        Assert.Equal(9, await enrolled.Portal.Services.GetRequiredService<TwoFactorSignIn>().RecoveryCodesLeftAsync(16));

        // A wrong password with a right code is the plain refusal: the code step is never reached.
        enrolled.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("unauthorized", await CodeOfAsync(await TokenAsync(client, "not the password", enrolled.CodeNow())));

        await using var db = await enrolled.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var actions = await db.AuditRecords.AsNoTracking().Where(r => r.EntityId == "16").Select(r => r.Action).ToListAsync();
        Assert.Contains(AuditActions.TwoFactorEnrolled, actions);
        Assert.Contains(AuditActions.TwoFactorCodeReplayed, actions);
        Assert.Contains(AuditActions.RecoveryCodeUsed, actions);
    }

    [Fact]
    public async Task Wrong_codes_count_toward_the_sign_in_lockout_and_service_accounts_are_unaffected()
    {
        var enrolled = await EnrolAsync();
        using var _ = enrolled.Portal;
        var client = enrolled.Portal.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("mfa_invalid", await CodeOfAsync(await TokenAsync(client, Password, "123456")));
        }
        // Locked out now: the right password and the right code get the plain refusal.
        Assert.Equal("unauthorized", await CodeOfAsync(await TokenAsync(client, Password, enrolled.CodeNow())));

        // The integrator (a service account without enrolment) signs in with its password alone.
        Assert.Equal(HttpStatusCode.OK, (await ApiSession.RequestTokenAsync(client, "integrator", PortalAppFactory.DemoPassword)).StatusCode);
    }

    [Fact]
    public async Task A_helpdesk_reset_turns_two_factor_off_ends_the_persons_tokens_and_is_audited()
    {
        var enrolled = await EnrolAsync();
        using var _ = enrolled.Portal;
        var client = enrolled.Portal.CreateClient();
        var token = (string)JsonNode.Parse(await (await TokenAsync(client, Password, enrolled.CodeNow())).Content.ReadAsStringAsync())!["access_token"]!;

        var twoFactor = enrolled.Portal.Services.GetRequiredService<TwoFactorSignIn>();
        var auditor = new Actor(null, "auditor", Door.UI) { Roles = [CredentialPortal.Domain.Access.PortalRoles.Auditor] };
        Assert.Equal("Forbidden", DomainStatusOf(await twoFactor.RemoveAsync(auditor, 16)));
        var helpdesk = new Actor(null, "helpdesk", Door.UI) { Roles = [CredentialPortal.Domain.Access.PortalRoles.Helpdesk] };
        Assert.True((await twoFactor.RemoveAsync(helpdesk, 16)).Value);

        using var request = new HttpRequestMessage(HttpMethod.Get, ApiSession.Base + "/users/16");
        request.Headers.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(client, Password)).StatusCode); // password alone again

        await using var db = await enrolled.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var reset = await db.AuditRecords.AsNoTracking().SingleAsync(r => r.Action == AuditActions.TwoFactorReset);
        Assert.Equal("helpdesk", reset.ActorName);
        Assert.Empty(await db.RecoveryCodes.Where(r => r.UserId == 16).ToListAsync());
    }

    [Fact]
    public async Task Neither_the_key_nor_a_code_is_stored_logged_or_audited_in_plain_text()
    {
        var enrolled = await EnrolAsync();
        using var _ = enrolled.Portal;
        var client = enrolled.Portal.CreateClient();
        var code = enrolled.CodeNow();
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(client, Password, code)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(client, Password, enrolled.RecoveryCodes[0])).StatusCode);

        string[] planted = [enrolled.Key, code, .. enrolled.RecoveryCodes.Select(c => c.Replace("-", "", StringComparison.Ordinal)), .. enrolled.RecoveryCodes];
        var stored = await enrolled.Portal.Data.StoredBytesAsync();
        foreach (var value in planted)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            var upper = Encoding.UTF8.GetBytes(value.ToUpperInvariant());
            Assert.DoesNotContain(stored, file => file.AsSpan().IndexOf(bytes) >= 0 || file.AsSpan().IndexOf(upper) >= 0);
            Assert.DoesNotContain(value, enrolled.Portal.Logs.Text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
