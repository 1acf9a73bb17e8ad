using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CredentialPortal.Data.Seeding;
using CredentialPortal.Tests.Api;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CredentialPortal.Tests.Cli;

/// <summary>The three steps of server configuration (docs/requirements.md R1.10), with real agent processes and registry files.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // notify commands are shell scripts
public sealed class ServerAgentTests() : UnifyAgainstPortal("agent-tests")
{
    private const string TlsKeyPass = DemoData.TlsKeyPassPath;
    private const string SmtpServer = @"\Verba\Email Settings\SMTPServer";
    private const string MaxCallLength = @"\Verba\Recorder\MaxCallLengthSeconds";

    private string Registry(string server) => Path.Combine(Work, $"{server}.registry.json");
    private string NotifyLog(string server) => Path.Combine(Work, $"{server}.notified.log");

    private async Task AgentCycleAsync(string server)
    {
        var run = await Unify.RunAsync("agent", "--remote", "portal", "--server", server, "--registry", Registry(server),
            "--notify", Path.Combine(Work, $"notify-{server}.sh"), "--once");
        Assert.True(run.ExitCode == 0, $"agent {server}: {run.ExitCode} {run.Error}");
    }

    private static async Task<JsonNode> Json(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static Dictionary<string, string> ReadRegistry(string path) =>
        JsonNode.Parse(File.ReadAllText(path))!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);

    [Fact]
    public async Task Change_difference_blocks_resolve_apply_reaches_both_recording_servers()
    {
        foreach (var server in new[] { "mr01", "rec01", "rec02" })
        {
            var script = Path.Combine(Work, $"notify-{server}.sh");
            await File.WriteAllTextAsync(script, $"#!/bin/sh\necho \"$1\" >> '{NotifyLog(server)}'\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Assert.Equal(0, (await Unify.RunAsync("remote", "add", "portal", "--url", Address.ToString())).ExitCode);
        Assert.Equal(0, (await Unify.RunWithInputAsync(PortalAppFactory.DemoPassword + "\n", "login", "--remote", "portal", "--user", "integrator", "--password-stdin")).ExitCode);
        var api = await ApiSession.SignInAsync(Address, "admin", PortalAppFactory.AdminPassword);

        // First contact: empty registries differ everywhere; push the database's values and apply.
        foreach (var server in new[] { "mr01", "rec01", "rec02" })
        {
            await AgentCycleAsync(server);
            var differences = (await Json(await api.GetAsync($"servers/{server}/configurationDifferences"))).AsArray();
            Assert.NotEmpty(differences);
            Assert.Equal(server != "mr01", differences.Any(d => (string?)d!["path"] == TlsKeyPass));
            Assert.DoesNotContain(differences, d => d!.ToJsonString().Contains("TLS-key"));
            var resolve = new JsonArray(differences.Select(d => (JsonNode)new JsonObject { ["path"] = (string)d!["path"]!, ["use"] = "db" }).ToArray());
            await Json(await api.PostAsync($"servers/{server}/configurationDifferences/resolve", resolve.ToJsonString()));
            await Json(await api.PostAsync($"servers/{server}/configurationTasks", ""));
            await AgentCycleAsync(server);
            Assert.Empty((await Json(await api.GetAsync($"servers/{server}/configurationDifferences"))).AsArray());
            File.Delete(NotifyLog(server));
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Registry("rec01")));

        // Step 1: change the secret on the profile → a task for each recording server, none for the media repository.
        const string newPass = "TLS-key-pass-rotated-7Q2x";
        var changed = await Json(await api.SendAsync(HttpMethod.Put,
            $"configurationProfiles/1/configuration?settingPath={Uri.EscapeDataString(TlsKeyPass)}", JsonValue.Create(newPass)!.ToJsonString()));
        Assert.Equal(2, (int)changed["tasksCreated"]!);
        foreach (var server in new[] { "rec01", "rec02" })
        {
            var tasks = (await Json(await api.GetAsync($"servers/{server}/configurationTasks"))).AsArray();
            Assert.Single(tasks, t => (string?)t!["status"] == "pending" && t["actions"]!.AsArray().Any(a => (string?)a!["path"] == TlsKeyPass));
        }
        Assert.DoesNotContain((await Json(await api.GetAsync("servers/mr01/configurationTasks"))).AsArray(), t => (string?)t!["status"] == "pending");

        // Step 2: a hand-edited registry value is a difference and blocks further changes for that server.
        var edited = ReadRegistry(Registry("rec01"));
        edited[SmtpServer] = "rogue-smtp.example.com";
        await File.WriteAllTextAsync(Registry("rec01"), new JsonObject(edited.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(e.Value)))).ToJsonString());
        await AgentCycleAsync("rec01"); // reports; nothing released yet
        var difference = Assert.Single((await Json(await api.GetAsync("servers/rec01/configurationDifferences"))).AsArray())!;
        Assert.Equal(SmtpServer, (string)difference["path"]!);
        Assert.Equal("rogue-smtp.example.com", (string)difference["valueRegistry"]!);
        Assert.Equal("smtp.corp.example.com", (string)difference["valueDb"]!);
        Assert.False((bool)difference["serverCustom"]!);

        var blocked = await api.SendAsync(HttpMethod.Put, $"configurationProfiles/1/configuration?settingPath={Uri.EscapeDataString(MaxCallLength)}", "3600");
        Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
        Assert.Equal("PREREQUISITE_NOT_MET", (string)(await ApiSession.JsonAsync(blocked))["code"]!);
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsync("servers/rec01/configurationTasks", "")).StatusCode);

        // Resolve key by key: keep the server's value as its custom value.
        await Json(await api.PostAsync("servers/rec01/configurationDifferences/resolve", """[{ "path": "\\Verba\\Email Settings\\SMTPServer", "use": "registry" }]"""));
        Assert.Empty((await Json(await api.GetAsync("servers/rec01/configurationDifferences"))).AsArray());
        var custom = await Json(await api.GetAsync($"servers/rec01/configuration?settingPath={Uri.EscapeDataString(SmtpServer)}"));
        Assert.Equal("server", (string)custom["source"]!);

        // Step 3: apply → the agents write the registries and notify each affected service once.
        foreach (var server in new[] { "rec01", "rec02" })
        {
            Assert.Equal(1, (int)(await Json(await api.PostAsync($"servers/{server}/configurationTasks", "")))["applied"]!);
            await AgentCycleAsync(server);
            Assert.Equal(newPass, ReadRegistry(Registry(server))[TlsKeyPass]);
            Assert.Equal(["VerbaEmailService", "VerbaRecorderService"], File.ReadAllLines(NotifyLog(server)).Order());
            var tasks = (await Json(await api.GetAsync($"servers/{server}/configurationTasks"))).AsArray();
            Assert.All(tasks, t => Assert.Equal("applied", (string?)t!["status"]));
        }
        Assert.Equal("rogue-smtp.example.com", ReadRegistry(Registry("rec01"))[SmtpServer]);
        Assert.False(File.Exists(NotifyLog("mr01")));

        // No secret in any API answer, log line, or the database file.
        string[] bodies;
        lock (ApiSession.AllBodies) bodies = ApiSession.AllBodies.ToArray();
        Assert.DoesNotContain(bodies, b => b.Contains(newPass));
        Assert.DoesNotContain(newPass, Portal.Logs.Text);
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Portal.Data.Path, "Portal.db*"))
        {
            Assert.True(File.ReadAllBytes(file).AsSpan().IndexOf(Encoding.UTF8.GetBytes(newPass)) < 0, $"{newPass} in {file}");
        }
    }
}
