using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CredentialPortal.Domain.ServerConfiguration;

namespace Unify;

/// <summary>
/// The server agent (docs/design.md §5.4): reports the registry to the portal, collects the server's released configuration tasks,
/// writes their values into the registry atomically, tells each affected service to reread once, reports each outcome.
/// </summary>
public sealed class ServerAgent(PortalClient client, string server, IRegistryStore registry, string keyPath, string? notifyCommand, TextWriter output)
{
    /// <summary>One cycle; true when every task succeeded.</summary>
    public async Task<bool> RunCycleAsync(CancellationToken cancellationToken)
    {
        using var key = LoadOrCreateKey();
        var publicKey = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
        var name = Uri.EscapeDataString(server);
        await client.SendAsync(HttpMethod.Put, $"/servers/{name}/agent/registry", new { publicKey, values = registry.Read() }, cancellationToken);

        var tasks = (await client.SendAsync(HttpMethod.Get, $"/servers/{name}/agent/tasks", null, cancellationToken))?.AsArray() ?? [];
        if (tasks.Count == 0) return true;

        // All released tasks go into the registry in one atomic write, then each affected service rereads once.
        var values = registry.Read();
        var services = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var action in tasks.SelectMany(t => t!["actions"]!.AsArray()))
        {
            var path = (string)action!["path"]!;
            values[path] = action["sealedValue"] is JsonValue sealedValue ? AgentEnvelope.Open(key, (string)sealedValue!) : (string?)action["value"] ?? "";
            foreach (var service in action["services"]!.AsArray()) services.Add((string)service!);
        }
        registry.Write(values);

        var failed = new Dictionary<string, string>();
        foreach (var service in services)
        {
            if (await NotifyAsync(service, cancellationToken) is { } problem) failed[service] = problem;
        }

        var allWell = true;
        foreach (var task in tasks)
        {
            var taskServices = task!["actions"]!.AsArray().SelectMany(a => a!["services"]!.AsArray().Select(s => (string)s!)).Distinct().ToList();
            var problems = taskServices.Where(failed.ContainsKey).Select(s => $"{s}: {failed[s]}").ToList();
            var succeeded = problems.Count == 0;
            allWell &= succeeded;
            var message = succeeded ? $"written; notified {string.Join(", ", taskServices)}" : string.Join("; ", problems);
            await client.SendAsync(HttpMethod.Post, $"/servers/{name}/agent/tasks/{task["taskId"]}", new { succeeded, message }, cancellationToken);
            output.WriteLine($"task {task["taskId"]}: {(succeeded ? "applied" : "failed")} ({message})");
        }
        return allWell;
    }

    private async Task<string?> NotifyAsync(string service, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(notifyCommand)) return null;
        try
        {
            var start = new ProcessStartInfo(notifyCommand) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(service);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0 ? null : $"notify exited with {process.ExitCode}: {(await error).Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"cannot run '{notifyCommand}': {e.Message}";
        }
    }

    /// <summary>The agent's RSA key, kept beside the registry with owner-only permissions; created on first run.</summary>
    private RSA LoadOrCreateKey()
    {
        var rsa = RSA.Create(3072);
        if (File.Exists(keyPath))
        {
            rsa.ImportFromPem(File.ReadAllText(keyPath));
            return rsa;
        }
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(new FileStream(keyPath, options));
        writer.Write(rsa.ExportPkcs8PrivateKeyPem());
        return rsa;
    }
}
