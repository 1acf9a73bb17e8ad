using System.Net;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Api;

public class ChangeOwnPasswordTests
{
    private static Task<HttpResponseMessage> Submit(HttpClient client, string current, string next, string confirm) =>
        PortalForms.SubmitAsync(client, "/account/manage/password", new()
        {
            ["Input.CurrentPassword"] = current, ["Input.NewPassword"] = next, ["Input.ConfirmPassword"] = confirm,
        });

    [Fact]
    public async Task A_signed_in_person_changes_their_own_password_with_clear_errors_on_the_way()
    {
        using var factory = new PortalAppFactory();
        var client = await PortalForms.SignedInClientAsync(factory, "auditor", PortalAppFactory.DemoPassword);

        var wrong = await (await Submit(client, "not my password", "a fresh pass phrase", "a fresh pass phrase")).Content.ReadAsStringAsync();
        Assert.Contains("The current password is not correct.", wrong);

        var weak = await (await Submit(client, PortalAppFactory.DemoPassword, "auditor1", "auditor1")).Content.ReadAsStringAsync();
        Assert.Contains("Use at least 15 characters", weak); // the auditor has no second factor: the password is the only one
        Assert.Contains("Do not include the login name.", weak);

        var mismatch = await (await Submit(client, PortalAppFactory.DemoPassword, "a fresh pass phrase", "another phrase")).Content.ReadAsStringAsync();
        Assert.Contains("The two new passwords differ.", mismatch);
        // A refused form does not send the typed passwords back.
        Assert.DoesNotContain("not my password", wrong);
        Assert.DoesNotContain("a fresh pass phrase", wrong + mismatch);
        Assert.DoesNotContain(PortalAppFactory.DemoPassword, wrong + weak + mismatch);

        var done = await Submit(client, PortalAppFactory.DemoPassword, "a fresh pass phrase", "a fresh pass phrase");
        Assert.Contains("Your password is changed.", await done.Content.ReadAsStringAsync());
        // This session goes on; the new password signs in, the old one no longer does.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/audit")).StatusCode);
        await PortalForms.SignedInClientAsync(factory, "auditor", "a fresh pass phrase");
        var old = await PortalForms.SubmitLoginAsync(factory.CreateClient(new() { AllowAutoRedirect = false }), "auditor", PortalAppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.Contains("The user name or password is incorrect.", await old.Content.ReadAsStringAsync());
    }
}
