using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Cli;

/// <summary>The real unify binary against the portal on Kestrel at 127.0.0.1.</summary>
public sealed class UnifyCliTests() : UnifyAgainstPortal("unify-tests")
{
    private async Task<HttpStatusCode> TokenStatusAsync(string user, string password)
    {
        using var http = new HttpClient { BaseAddress = Address };
        return (await http.PostAsJsonAsync("/verba/restapi/v1/auth/token", new { client_id = user, client_secret = password })).StatusCode;
    }

    [Fact]
    public async Task Add_a_machine_user_sign_in_as_it_rotate_and_list()
    {
        Assert.Equal(0, (await Unify.RunAsync("remote", "add", "test", "--url", Address.ToString(), "--user", "admin")).ExitCode);
        var login = await Unify.RunWithInputAsync(PortalAppFactory.AdminPassword + "\n", "login", "--remote", "test", "--password-stdin");
        Assert.Equal(0, login.ExitCode);
        Assert.Contains("Signed in to 'test' as admin.", login.Output);
        var remotesFile = Path.Combine(Config, "remotes.json");
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(remotesFile));
        var stored = await File.ReadAllTextAsync(remotesFile);
        Assert.DoesNotContain(PortalAppFactory.AdminPassword, stored);
        Assert.Contains("refreshToken", stored);

        // Add with a generated password: printed once, with the warning.
        var add = await Unify.RunAsync("user", "machine", "add", "-o", "1", "--remote", "test");
        Assert.Equal(0, add.ExitCode);
        var lines = add.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var name = lines[0].Split('\'')[1];
        Assert.StartsWith("machine-user-", name);
        var password = lines[Array.IndexOf(lines, "Password (shown once):") + 1].Trim();
        Assert.Equal(32, password.Length);
        Assert.Contains("cannot be retrieved", add.Output);
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(name, password));

        // Rotate with a generated password; the old one is refused, the new one works.
        var rotate = await Unify.RunAsync("user", "machine", "set-password", "--remote", "test", "--user", name, "--generate");
        Assert.Equal(0, rotate.ExitCode);
        var rotated = rotate.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).SkipWhile(l => !l.StartsWith("New password", StringComparison.Ordinal)).ElementAt(1).Trim();
        Assert.Equal(HttpStatusCode.Unauthorized, await TokenStatusAsync(name, password));
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(name, rotated));

        // Rotate again from stdin, by account id.
        var id = lines[0].Split(' ')[3];
        Assert.Equal(0, (await Unify.RunWithInputAsync("a typed-in stdin pass phrase\n", "user", "machine", "set-password", "--remote", "test", "--user", id, "--password-stdin")).ExitCode);
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(name, "a typed-in stdin pass phrase"));

        // The org list shows it with the default role, as a table and as JSON.
        var table = await Unify.RunAsync("user", "org-list", "--org", "1", "--remote", "test");
        Assert.Equal(0, table.ExitCode);
        var header = table.Output.Split('\n')[0];
        Assert.Matches("^ID +NAME +EMAIL +CREATED +STATUS +ROLE$", header);
        Assert.Matches($"{id} +{name} +\\S+ \\S+Z +active +Contributor", table.Output);
        var json = JsonNode.Parse((await Unify.RunAsync("user", "org-list", "-o", "1", "--remote", "test", "--output", "json")).Output)!.AsArray();
        var row = json.Single(u => (string?)u!["name"] == name)!;
        Assert.Equal("", (string?)row["email"]);
        Assert.Equal("Contributor", (string?)row["role"]);

        // The CLI's changes are audited with door=CLI.
        await using var scope = Portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Contains(db.AuditRecords.Where(r => r.EntityId == id).ToList(), r => r.Door.ToString() == "CLI" && r.Action == "create");
        Assert.Contains(db.AuditRecords.Where(r => r.EntityId == id).ToList(), r => r.Door.ToString() == "CLI" && r.Action == "password-set");
    }

    [Fact]
    public async Task Usage_errors_refusals_and_unreachable_remotes_have_their_exit_codes_and_one_line()
    {
        await Unify.RunAsync("remote", "add", "test", "--url", Address.ToString());
        await Unify.RunAsync("remote", "add", "down", "--url", "http://127.0.0.1:9");

        // Usage: 1.
        AssertOneLineFailure(await Unify.RunAsync("user", "org-list", "--remote", "test"), 1, "--org");
        AssertOneLineFailure(await Unify.RunAsync("user", "machine", "add", "-o", "1", "--remote", "test", "--role", "Boss"), 1, "Boss");
        AssertOneLineFailure(await Unify.RunAsync("user", "machine", "set-password", "--remote", "test", "--user", "x", "--password", "p", "--generate"), 1, "exactly one");
        AssertOneLineFailure(await Unify.RunAsync("user", "org-list", "-o", "1", "--remote", "test"), 1, "Not signed in");
        AssertOneLineFailure(await Unify.RunAsync("user", "org-list", "-o", "1", "--remote", "nowhere"), 1, "No remote named 'nowhere'");
        AssertOneLineFailure(await Unify.RunAsync("remote", "add", "bad", "--url", "ftp://x"), 1, "not an http(s) URL");

        // Refused by the server: 2.
        AssertOneLineFailure(await Unify.RunWithInputAsync("wrong password\n", "login", "--remote", "test", "--user", "admin", "--password-stdin"), 2, "401");
        Assert.Equal(0, (await Unify.RunWithInputAsync(PortalAppFactory.AdminPassword + "\n", "login", "--remote", "test", "--user", "admin", "--password-stdin")).ExitCode);
        AssertOneLineFailure(await Unify.RunAsync("user", "org-list", "-o", "999", "--remote", "test"), 2, "404");
        AssertOneLineFailure(await Unify.RunAsync("user", "machine", "add", "-o", "1", "--remote", "test", "--name", "machine-user-1001"), 2, "409");
        AssertOneLineFailure(await Unify.RunAsync("user", "machine", "add", "-o", "1", "--remote", "test", "--account-id", "1002"), 2, "409");
        AssertOneLineFailure(await Unify.RunAsync("user", "machine", "add", "-o", "1", "--remote", "test", "--password", "short"), 2, "password: Use at least 12 characters");
        AssertOneLineFailure(await Unify.RunAsync("user", "machine", "set-password", "--remote", "test", "--user", "nobody-such", "--generate"), 2, "404");

        // Cannot reach: 3.
        await Unify.RunWithInputAsync(PortalAppFactory.AdminPassword + "\n", "login", "--remote", "down", "--user", "admin", "--password-stdin")
            .ContinueWith(t => AssertOneLineFailure(t.Result, 3, "Cannot reach 'down'"));

        // Help on every command, with the documented descriptions (docs/requirements.md §4).
        var help = await Unify.RunAsync("user", "machine", "add", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Machine user name, defaults to \"machine-user-${account-id}\"", help.Output);
        Assert.Contains("Either \"Admin\" or \"Contributor\"", help.Output);
        Assert.Contains("Nickname for the remote cluster to connect to", (await Unify.RunAsync("user", "org-list", "--help")).Output);
    }

    [Fact]
    public async Task Remotes_and_machine_users_answer_json_for_scripts_with_generated_passwords_once_and_never_the_token()
    {
        Assert.Equal(0, (await Unify.RunAsync("remote", "add", "test", "--url", Address.ToString(), "--user", "admin")).ExitCode);
        Assert.Equal(0, (await Unify.RunWithInputAsync(PortalAppFactory.AdminPassword + "\n", "login", "--remote", "test", "--password-stdin")).ExitCode);

        var remotes = await Unify.RunAsync("remote", "list", "--output", "json");
        Assert.Equal(0, remotes.ExitCode);
        var remote = Assert.Single(JsonNode.Parse(remotes.Output)!.AsArray())!;
        Assert.Equal("test", (string?)remote["name"]);
        Assert.True((bool)remote["signedIn"]!);
        var token = (string)JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Config, "remotes.json")))!["test"]!["refreshToken"]!;
        Assert.DoesNotContain(token, remotes.Output);

        var added = await Unify.RunAsync("user", "machine", "add", "-o", "1", "--remote", "test", "--output", "json");
        Assert.Equal(0, added.ExitCode);
        var machine = JsonNode.Parse(added.Output)!;
        var name = (string)machine["name"]!;
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(name, (string)machine["password"]!));

        var rotated = JsonNode.Parse((await Unify.RunAsync("user", "machine", "set-password", "--remote", "test", "--user", name, "--generate", "--output", "json")).Output)!;
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(name, (string)rotated["password"]!));
        var chosen = await Unify.RunWithInputAsync("a typed-in stdin pass phrase\n", "user", "machine", "set-password", "--remote", "test", "--user", name, "--password-stdin", "--output", "json");
        Assert.Null(JsonNode.Parse(chosen.Output)!["password"]); // not generated: not echoed
    }
}
