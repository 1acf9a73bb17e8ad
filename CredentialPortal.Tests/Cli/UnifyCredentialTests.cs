using System.Diagnostics;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Tests.Api;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Cli;

/// <summary><c>unify credential …</c>: the real binary against the portal on Kestrel at 127.0.0.1, over every resource.</summary>
public sealed class UnifyCredentialTests() : UnifyAgainstPortal("unify-tests")
{
    private async Task SignInAsync(string remote, string user, string password)
    {
        Assert.Equal(0, (await Unify.RunAsync("remote", "add", remote, "--url", Address.ToString(), "--user", user)).ExitCode);
        Assert.Equal(0, (await Unify.RunWithInputAsync(password + "\n", "login", "--remote", remote, "--password-stdin")).ExitCode);
    }

    private async Task<int> TotalOfAsync(string resource, string filter = "")
    {
        var api = await ApiSession.SignInAsync(Address, "admin", PortalAppFactory.AdminPassword);
        var response = await api.GetAsync($"{resource}?limit=1&{filter}");
        return int.Parse(response.Headers.GetValues("X-Total-Count").Single(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static readonly string[] ResourceNames = [.. EntityCatalog.Resources.Select(r => r.Name), "users"];

    public static TheoryData<string> Resources => [.. ResourceNames];

    [Theory]
    [MemberData(nameof(Resources))]
    public async Task List_get_rotate_generated_and_from_stdin_and_verify_true_and_false(string resource)
    {
        await SignInAsync("test", "admin", PortalAppFactory.AdminPassword);

        // list: every entity once, walked page by page through the API's Link headers (two per page here).
        var listed = await Unify.RunAsync("credential", "list", resource, "--remote", "test", "--output", "json", "--page-size", "2");
        Assert.True(listed.ExitCode == 0, listed.Error);
        var items = JsonNode.Parse(listed.Output)!.AsArray();
        var ids = items.Select(i => i!["id"]!.ToString()).ToList();
        Assert.Equal(await TotalOfAsync(resource), ids.Count);
        Assert.True(ids.Count > 2, "the walk should need more than one page");
        Assert.Equal(ids.Count, ids.Distinct().Count());

        // The filter travels with every page.
        var searched = await Unify.RunAsync("credential", "list", resource, "--remote", "test", "--output", "json", "--page-size", "1", "--search", "e");
        Assert.True(searched.ExitCode == 0, searched.Error);
        Assert.Equal(await TotalOfAsync(resource, "search=e"), JsonNode.Parse(searched.Output)!.AsArray().Count);

        var table = await Unify.RunAsync("credential", "list", resource, "--remote", "test");
        Assert.Equal(0, table.ExitCode);
        Assert.StartsWith("ID ", table.Output);
        Assert.Equal(ids.Count + 1, table.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // Pick a local user (AD-synchronised ones are read-only) or any connector entity.
        var chosen = items.First(i => resource != "users" || (string?)i!["source"] == "local" && ((string?)i["loginName"])!.Contains('.'))!;
        var id = chosen["id"]!.ToString();
        string? property = resource == "users" ? null : EntityCatalog.FindResource(resource)!.FindType((string)chosen["type"]!)!.Secrets[0].Name;
        string[] Property() => property is null ? [] : ["--property", property];

        // get, as JSON and as a table; never a secret.
        var got = await Unify.RunAsync("credential", "get", resource, id, "--remote", "test", "--output", "json");
        Assert.Equal(0, got.ExitCode);
        Assert.Equal(id, JsonNode.Parse(got.Output)!["id"]!.ToString());
        var gotTable = await Unify.RunAsync("credential", "get", resource, id, "--remote", "test");
        Assert.Matches("^PROPERTY +VALUE\n", gotTable.Output);
        Assert.Matches($"(?m)^id +{System.Text.RegularExpressions.Regex.Escape(id)}$", gotTable.Output);

        // rotate --generate: printed once, then it verifies (0) and a wrong value does not (4).
        var rotated = await Unify.RunAsync(["credential", "rotate", resource, id, "--remote", "test", "--generate", .. Property()]);
        Assert.True(rotated.ExitCode == 0, rotated.Error);
        var lines = rotated.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var generated = lines[Array.IndexOf(lines, "New value (shown once):") + 1].Trim();
        Assert.Equal(32, generated.Length);
        Assert.Contains("cannot be retrieved", rotated.Output);

        var yes = await Unify.RunWithInputAsync(generated + "\n", ["credential", "verify", resource, id, "--remote", "test", .. Property()]);
        Assert.True(yes.ExitCode == 0, yes.Error);
        Assert.Equal("matches", yes.Output.Trim());
        var no = await Unify.RunWithInputAsync(generated + "x", ["credential", "verify", resource, id, "--remote", "test", "--output", "json", .. Property()]);
        Assert.Equal(4, no.ExitCode);
        Assert.Equal("", no.Error);
        Assert.False((bool)JsonNode.Parse(no.Output)!["matches"]!);

        // rotate --value-stdin (JSON answer without the value), then that value verifies.
        const string chosenValue = "a Vault-chosen value 4 the CLI test!";
        var fromStdin = await Unify.RunWithInputAsync(chosenValue + "\n", ["credential", "rotate", resource, id, "--remote", "test", "--value-stdin", "--output", "json", .. Property()]);
        Assert.True(fromStdin.ExitCode == 0, fromStdin.Error);
        var answer = JsonNode.Parse(fromStdin.Output)!;
        Assert.Equal(id, answer["entity"]!["id"]!.ToString());
        Assert.Null(answer["value"]);
        Assert.DoesNotContain(chosenValue, fromStdin.Output);
        Assert.Equal(4, (await Unify.RunWithInputAsync(generated, ["credential", "verify", resource, id, "--remote", "test", .. Property()])).ExitCode);
        var json = await Unify.RunWithInputAsync(chosenValue, ["credential", "verify", resource, id, "--remote", "test", "--output", "json", .. Property()]);
        Assert.Equal(0, json.ExitCode);
        Assert.True((bool)JsonNode.Parse(json.Output)!["matches"]!);

        // The server audited the rotations as done through the CLI, without the values.
        await using var scope = Portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var records = await db.AuditRecords.Where(r => r.EntityId == id && r.EntityType == resource).ToListAsync();
        var secretAction = resource == "users" ? CredentialPortal.Domain.Audit.AuditActions.PasswordSet : CredentialPortal.Domain.Audit.AuditActions.SecretRotated;
        Assert.True(records.Count(r => r.Door.ToString() == "CLI" && r.Action == secretAction) == 2,
            string.Join(", ", records.Select(r => $"{r.Door}/{r.Action}")));
        var audited = string.Join("\n", records.Select(r => System.Text.Json.JsonSerializer.Serialize(r)));
        Assert.DoesNotContain(generated, audited);
        Assert.DoesNotContain(chosenValue, audited);
        Assert.DoesNotContain(generated, await File.ReadAllTextAsync(Path.Combine(Config, "remotes.json")));
    }

    [Fact]
    public async Task Each_failure_has_its_exit_code_and_one_line_on_stderr()
    {
        await SignInAsync("test", "admin", PortalAppFactory.AdminPassword);
        // A remote signed in earlier whose server is gone now: the same sign-in, at a port nothing listens on.
        var remotesFile = Path.Combine(Config, "remotes.json");
        var remotes = JsonNode.Parse(await File.ReadAllTextAsync(remotesFile))!.AsObject();
        remotes["down"] = new JsonObject { ["url"] = "http://127.0.0.1:9", ["user"] = "admin", ["refreshToken"] = (string?)remotes["test"]!["refreshToken"] };
        await File.WriteAllTextAsync(remotesFile, remotes.ToJsonString());

        // 1: usage, before anything is sent.
        AssertOneLineFailure(await Unify.RunAsync("credential", "list", "vaults", "--remote", "test"), 1, "vaults");
        AssertOneLineFailure(await Unify.RunAsync("credential", "get", "storageTargets", "--remote", "test"), 1, "Required argument missing");
        AssertOneLineFailure(await Unify.RunAsync("credential", "rotate", "storageTargets", "12", "--remote", "test", "--property", "password"), 1, "exactly one of --generate or --value-stdin");
        AssertOneLineFailure(await Unify.RunWithInputAsync("v", "credential", "rotate", "storageTargets", "12", "--remote", "test", "--property", "password", "--generate", "--value-stdin"), 1, "exactly one");
        AssertOneLineFailure(await Unify.RunWithInputAsync("v", "credential", "verify", "storageTargets", "12", "--remote", "test"), 1, "--property");
        AssertOneLineFailure(await Unify.RunWithInputAsync("", "credential", "verify", "users", "10", "--remote", "test"), 1, "Standard input held no value");
        AssertOneLineFailure(await Unify.RunWithInputAsync("v", "credential", "verify", "users", "10", "--remote", "test", "--property", "apiSecret"), 1, "'password'");
        // A value is never an argument (it would land in shell history and ps).
        AssertOneLineFailure(await Unify.RunWithInputAsync("", "credential", "verify", "users", "10", "the-secret", "--remote", "test"), 1, "the-secret");
        AssertOneLineFailure(await Unify.RunAsync("credential", "list", "users", "--remote", "test", "--page-size", "0"), 1, "--page-size");
        AssertOneLineFailure(await Unify.RunAsync("credential", "list", "users", "--remote", "test", "--type", "local"), 1, "users have no types");

        // 2: refused by the server, with the problem's detail.
        AssertOneLineFailure(await Unify.RunAsync("credential", "get", "storageTargets", "999999", "--remote", "test"), 2, "404");
        AssertOneLineFailure(await Unify.RunAsync("credential", "rotate", "storageTargets", "12", "--remote", "test", "--property", "noSuchSecret", "--generate"), 2, "noSuchSecret");
        AssertOneLineFailure(await Unify.RunAsync("credential", "list", "storageTargets", "--remote", "test", "--type", "floppy"), 2, "'floppy' is not a type of storageTargets");
        AssertOneLineFailure(await Unify.RunWithInputAsync("v", "credential", "verify", "adSyncProfiles", "not-a-guid", "--remote", "test", "--property", "ldapPassword"), 2, "404");
        await SignInAsync("audit", "auditor", PortalAppFactory.DemoPassword);
        var forbidden = await Unify.RunAsync("credential", "rotate", "storageTargets", "12", "--remote", "audit", "--property", "password", "--generate");
        AssertOneLineFailure(forbidden, 2, "403");
        Assert.Equal("", forbidden.Output); // nothing printed as if it had been set

        // 3: cannot reach the remote.
        AssertOneLineFailure(await Unify.RunAsync("credential", "list", "users", "--remote", "down"), 3, "Cannot reach 'down'");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Bash_completes_commands_and_the_catalogs_resource_names_through_the_suggest_directive()
    {
        // A `unify` on PATH, as after `dotnet tool install`.
        var bin = Directory.CreateDirectory(Path.Combine(Config, "bin")).FullName;
        var wrapper = Path.Combine(bin, "unify");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec dotnet '{UnifyProcess.DllPath}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        async Task<string[]> CompleteAsync(string line)
        {
            var script = $"""
                source <(unify completion bash)
                COMP_LINE='{line}'; COMP_POINT=${"{#COMP_LINE}"}
                read -ra COMP_WORDS <<< "$COMP_LINE"; [[ "$COMP_LINE" == *' ' ]] && COMP_WORDS+=('')
                COMP_CWORD=$(( ${"{#COMP_WORDS[@]}"} - 1 ))
                _unify_complete
                printf '%s\n' "${"{COMPREPLY[@]}"}"
                """;
            var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
            start.Environment["UNIFY_CONFIG_DIR"] = Config;
            using var bash = Process.Start(start)!;
            var output = await bash.StandardOutput.ReadToEndAsync();
            var error = await bash.StandardError.ReadToEndAsync();
            await bash.WaitForExitAsync();
            Assert.True(bash.ExitCode == 0, error);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }

        Assert.Equal(["credential"], await CompleteAsync("unify cred"));
        Assert.Equal(["get", "list", "rotate", "verify"], (await CompleteAsync("unify credential ")).Where(w => !w.StartsWith('-') && !w.StartsWith('/')));
        // The resources unify offers are exactly the API's: the catalog's connector resources and users.
        Assert.Equal(ResourceNames.Order(), (await CompleteAsync("unify credential rotate ")).Where(w => !w.StartsWith('-') && !w.StartsWith('/')).Order());
        Assert.Equal(["storageTargets"], await CompleteAsync("unify credential get sto"));
        Assert.Equal(["--value-stdin"], await CompleteAsync("unify credential rotate users 10 --value"));
    }
}
