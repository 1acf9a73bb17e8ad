using System.Net;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Api;

public class MachineUserApiTests
{
    [Fact]
    public async Task Org_roles_limit_who_adds_and_rotates_and_the_server_shows_a_generated_password_once()
    {
        using var factory = new PortalAppFactory();
        var admin = await ApiSession.SignInAsync(factory, "admin", PortalAppFactory.AdminPassword);
        // Demo people: anna (10) is Admin of org 1, ben (11) Contributor of org 1.
        await admin.PatchAsync("users/10", """{ "password": "anna org admin phrase" }""");
        await admin.PatchAsync("users/11", """{ "password": "ben contributor phrase" }""");
        var anna = await ApiSession.SignInAsync(factory, "anna.kovacs", "anna org admin phrase");
        var ben = await ApiSession.SignInAsync(factory, "ben.okafor", "ben contributor phrase");

        var created = await anna.PostAsync("orgs/1/machineUsers", """{ "name": "recorder-connector" }""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await ApiSession.JsonAsync(created);
        var generated = (string)body["password"]!;
        Assert.Equal("Contributor", (string)body["role"]!);
        Assert.Equal("", (string)body["email"]!);
        Assert.EndsWith($"/verba/restapi/v1/machineUsers/{body["id"]}", created.Headers.Location!.ToString());
        Assert.Equal("no-store", created.Headers.CacheControl!.ToString());

        var given = await ApiSession.JsonAsync(await admin.PostAsync("orgs/2/machineUsers", """{ "accountId": 4242, "password": "a given long pass phrase", "role": "Admin" }"""));
        Assert.Null(given["password"]); // given, so not echoed
        Assert.Equal("machine-user-4242", (string)given["name"]!);

        Assert.Equal(HttpStatusCode.Forbidden, (await anna.PostAsync("orgs/2/machineUsers", "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ben.PostAsync("orgs/1/machineUsers", "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ben.GetAsync("orgs/1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ben.GetAsync("orgs/2/users")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("orgs/1/machineUsers", """{ "role": "Boss" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("orgs/1/machineUsers", """{ "colour": "red" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("orgs/77/machineUsers", "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync("orgs/1/machineUsers", """{ "name": "RECORDER-connector" }""")).StatusCode);

        // A machine user rotates its own password; it may not touch another's.
        var machine = await ApiSession.SignInAsync(factory, "recorder-connector", generated);
        Assert.Equal(HttpStatusCode.NoContent, (await machine.SendAsync(HttpMethod.Put, "machineUsers/recorder-connector/password", """{ "password": "self rotated phrase" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await machine.GetAsync("orgs/1/users")).StatusCode); // its old token died with the old password
        machine = await ApiSession.SignInAsync(factory, "recorder-connector", "self rotated phrase");
        Assert.Equal(HttpStatusCode.Forbidden, (await machine.SendAsync(HttpMethod.Put, "machineUsers/4242/password", """{ "password": "not mine to set" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await anna.SendAsync(HttpMethod.Put, $"machineUsers/{body["id"]}/password", """{ "password": "org admin rotated it" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.SendAsync(HttpMethod.Put, "machineUsers/4242/password", """{ "password": "other org machine" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.SendAsync(HttpMethod.Put, "machineUsers/4242/password", """{ "password": "a given long pass phrase" }""")).StatusCode); // history
        Assert.Equal(HttpStatusCode.NotFound, (await admin.SendAsync(HttpMethod.Put, "machineUsers/16/password", """{ "password": "people are not machines" }""")).StatusCode);

        // People lists stay people; the org list shows both kinds.
        var people = (await ApiSession.JsonAsync(await admin.GetAsync("users?limit=1000"))).AsArray();
        Assert.DoesNotContain(people, u => ((string?)u!["loginName"])!.Contains("connector"));
        var org1 = (await ApiSession.JsonAsync(await admin.GetAsync("orgs/1/users"))).AsArray();
        Assert.Contains(org1, u => (string?)u!["name"] == "anna.kovacs" && (string?)u["role"] == "Admin" && (string?)u["email"] == "anna.kovacs@example.com");
        Assert.Contains(org1, u => (string?)u!["name"] == "recorder-connector" && (string?)u["status"] == "active");
    }
}
