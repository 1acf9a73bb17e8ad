using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using CredentialPortal.Domain.Passwords;

namespace Unify;

/// <summary>
/// The command tree: remote add/list/remove, login, user org-list, user machine add/set-password, agent, credential
/// list/get/rotate/verify, completion (docs/design.md §5).
/// </summary>
public static class Commands
{
    public static RootCommand Build(RemoteStore store, TextWriter output, TextReader input)
    {
        var root = new RootCommand("Manage connector (machine) user credentials on a CredentialPortal server.");
        root.Subcommands.Add(RemoteCommand(store, output));
        root.Subcommands.Add(LoginCommand(store, output, input));
        root.Subcommands.Add(UserCommand(store, output, input));
        root.Subcommands.Add(AgentCommand(store, output));
        root.Subcommands.Add(CredentialCommands.Build(store, output, input));
        root.Subcommands.Add(CompletionCommand(output));
        root.Subcommands.Add(AuditCommand(output));
        return root;
    }

    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A secret the server or the generator chose, printed this once, with the warning that it cannot be read back.</summary>
    internal static void WriteShownOnce(TextWriter output, string label, string value, string what)
    {
        output.WriteLine($"{label} (shown once):");
        output.WriteLine(value);
        output.WriteLine($"IMPORTANT: The {what}, once set, cannot be retrieved. Ensure you save it somewhere safe, like a password manager.");
    }

    /// <summary><c>--output table|json</c>: a table (or sentence) for people by default, JSON for scripts.</summary>
    internal static Option<string> OutputOption()
    {
        var format = new Option<string>("--output") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        return format;
    }

    internal static Option<string> RemoteOption() => new("--remote") { Description = "Nickname for the remote cluster to connect to", Required = true };

    /// <summary><c>unify audit verify FILE [--public-key KEY]</c>: checks a signed JSONL export offline, without the portal.</summary>
    private static Command AuditCommand(TextWriter output)
    {
        var audit = new Command("audit", "Work with audit evidence exported from the portal.");
        var file = new Argument<FileInfo>("file") { Description = "A JSONL export (GET …/audit/export?format=jsonl, or the portal's audit page)" };
        var publicKey = new Option<string?>("--public-key")
        {
            Description = "The portal's audit signing key (base64 SubjectPublicKeyInfo, as Settings and GET …/audit/signing-key show it, or a file holding it): the file must be signed by it",
        };
        var verify = new Command("verify", "Check that the records chain (none changed, missing or reordered) and the signature holds. Exit 0 intact, 5 broken.") { file, publicKey };
        verify.SetAction(result =>
        {
            var path = result.GetValue(file)!;
            if (!path.Exists) throw new CliException(ExitCodes.Usage, $"{path.FullName} does not exist.");
            var key = result.GetValue(publicKey);
            if (key is not null && File.Exists(key)) key = KeyFromFile(File.ReadAllText(key));
            if (key is not null && !IsBase64(key)) throw new CliException(ExitCodes.Usage, "--public-key must be a base64 SubjectPublicKeyInfo or a file holding one (PEM or base64).");
            var verdict = CredentialPortal.Domain.Audit.AuditExportFormat.Verify(File.ReadAllBytes(path.FullName), key);
            if (!verdict.Intact)
            {
                throw new CliException(ExitCodes.Broken, verdict.FirstBrokenSequence is { } seq
                    ? $"broken at seq {seq}: {verdict.Problem}"
                    : $"broken: {verdict.Problem}");
            }
            output.WriteLine($"intact: {verdict.RecordsChecked} records, chained and signed by {verdict.PublicKey}");
            return ExitCodes.Ok;
        });
        audit.Subcommands.Add(verify);
        return audit;
    }

    private static string KeyFromFile(string text) =>
        string.Concat(text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)));

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text.Trim(), buffer, out _);
    }

    private static Option<int> OrgOption(string description) => new("--org", "-o") { Description = description, Required = true };

    private static Command RemoteCommand(RemoteStore store, TextWriter output)
    {
        var remote = new Command("remote", "Manage the servers (remotes) this tool talks to.");

        var name = new Argument<string>("name") { Description = "Nickname for the remote" };
        var url = new Option<string>("--url") { Description = "The server's address, e.g. https://portal.example", Required = true };
        var user = new Option<string?>("--user") { Description = "The user to sign in as by default" };
        var add = new Command("add", "Add or replace a remote.") { name, url, user };
        add.SetAction(result =>
        {
            var address = result.GetValue(url)!;
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new CliException(ExitCodes.Usage, $"'{address}' is not an http(s) URL.");
            }
            var remotes = store.Load();
            remotes[result.GetValue(name)!] = new Remote { Url = address.TrimEnd('/'), User = result.GetValue(user) };
            store.Save(remotes);
            output.WriteLine($"Remote '{result.GetValue(name)}' → {address}. Next: unify login --remote {result.GetValue(name)}");
            return ExitCodes.Ok;
        });

        var listFormat = OutputOption();
        var list = new Command("list", "List the remotes.") { listFormat };
        list.SetAction(result =>
        {
            var remotes = store.Load();
            if (result.GetValue(listFormat) == "json")
            {
                // Never the refresh token: only whether there is one.
                output.WriteLine(new JsonArray([.. remotes.Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Key, ["url"] = r.Value.Url, ["user"] = r.Value.User, ["signedIn"] = r.Value.RefreshToken is not null,
                })]).ToJsonString(Indented));
                return ExitCodes.Ok;
            }
            if (remotes.Count == 0) output.WriteLine("No remotes. Add one with: unify remote add NAME --url URL");
            foreach (var (key, value) in remotes)
            {
                output.WriteLine($"{key}\t{value.Url}\t{(value.RefreshToken is null ? "not signed in" : $"signed in as {value.User}")}");
            }
            return ExitCodes.Ok;
        });

        var removeName = new Argument<string>("name") { Description = "Nickname of the remote to remove" };
        var remove = new Command("remove", "Remove a remote and its stored sign-in.") { removeName };
        remove.SetAction(result =>
        {
            var remotes = store.Load();
            if (!remotes.Remove(result.GetValue(removeName)!)) throw new CliException(ExitCodes.Usage, $"No remote named '{result.GetValue(removeName)}'.");
            store.Save(remotes);
            output.WriteLine($"Removed '{result.GetValue(removeName)}'.");
            return ExitCodes.Ok;
        });

        remote.Subcommands.Add(add);
        remote.Subcommands.Add(list);
        remote.Subcommands.Add(remove);
        return remote;
    }

    private static Command LoginCommand(RemoteStore store, TextWriter output, TextReader input)
    {
        var remote = RemoteOption();
        var user = new Option<string?>("--user") { Description = "User to sign in as (default: the remote's user)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input instead of prompting" };
        var login = new Command("login", "Sign in to a remote; only a refresh token is stored, never the password.") { remote, user, passwordStdin };
        login.SetAction(async (result, cancellationToken) =>
        {
            var name = result.GetValue(remote)!;
            var who = result.GetValue(user) ?? store.Get(name).User
                ?? throw new CliException(ExitCodes.Usage, "Say who signs in: --user NAME (or set it with unify remote add … --user NAME).");
            var password = result.GetValue(passwordStdin) ? ReadLine(input) : Prompt($"Password for {who}: ");
            using var client = new PortalClient(store, name);
            await client.LoginAsync(who, password, cancellationToken);
            output.WriteLine($"Signed in to '{name}' as {who}.");
            return ExitCodes.Ok;
        });
        return login;
    }

    private static Command UserCommand(RemoteStore store, TextWriter output, TextReader input)
    {
        var user = new Command("user", "View organisation users and manage machine users.");

        var remote = RemoteOption();
        var org = OrgOption("View users assigned to this org");
        var format = OutputOption();
        var orgList = new Command("org-list", "View the list of users including their ID, name, email, created timestamp, status, and role.") { org, remote, format };
        orgList.SetAction(async (result, cancellationToken) =>
        {
            using var client = new PortalClient(store, result.GetValue(remote)!);
            var users = (await client.SendAsync(HttpMethod.Get, $"/orgs/{result.GetValue(org)}/users", null, cancellationToken))!.AsArray();
            if (result.GetValue(format) == "json")
            {
                output.WriteLine(users.ToJsonString(Indented));
                return ExitCodes.Ok;
            }
            WriteTable(output, ["ID", "NAME", "EMAIL", "CREATED", "STATUS", "ROLE"],
                users.Select(u => new[] { $"{u!["id"]}", $"{u["name"]}", $"{u["email"]}", Created(u["created"]), $"{u["status"]}", $"{u["role"]}" }));
            return ExitCodes.Ok;
        });

        var machine = new Command("machine", "Add machine users and set their passwords.");
        machine.Subcommands.Add(MachineAddCommand(store, output));
        machine.Subcommands.Add(SetPasswordCommand(store, output, input));

        user.Subcommands.Add(orgList);
        user.Subcommands.Add(machine);
        return user;
    }

    private static Command MachineAddCommand(RemoteStore store, TextWriter output)
    {
        var org = OrgOption("Assign the user to this org");
        var remote = RemoteOption();
        var name = new Option<string?>("--name") { Description = "Machine user name, defaults to \"machine-user-${account-id}\"" };
        var accountId = new Option<int?>("--account-id") { Description = "Machine user ID, integer format. Optional - if not specified, one will be generated" };
        var password = new Option<string?>("--password") { Description = "Machine user password. Optional - if not specified, the tool will generate a long random password" };
        var role = new Option<string>("--role") { Description = "User role for the given org. Either \"Admin\" or \"Contributor\". Defaults to \"Contributor\" if not specified.", DefaultValueFactory = _ => "Contributor" };
        role.AcceptOnlyFromAmong("Admin", "Contributor");
        var format = OutputOption();
        var add = new Command("add", "Add a new machine user and set the password.") { org, remote, name, accountId, password, role, format };
        add.SetAction(async (result, cancellationToken) =>
        {
            // The tool generates the password when none is given (docs/requirements.md R2.4), so it is known before it is sent.
            var given = result.GetValue(password);
            var chosen = given ?? PasswordGenerator.Generate();
            using var client = new PortalClient(store, result.GetValue(remote)!);
            var created = (await client.SendAsync(HttpMethod.Post, $"/orgs/{result.GetValue(org)}/machineUsers", new
            {
                name = result.GetValue(name),
                accountId = result.GetValue(accountId),
                password = chosen,
                role = result.GetValue(role),
            }, cancellationToken))!;
            if (result.GetValue(format) == "json")
            {
                var answer = created.DeepClone().AsObject();
                answer["org"] = result.GetValue(org);
                if (given is null) answer["password"] = chosen; // generated: shown once
                output.WriteLine(answer.ToJsonString(Indented));
                return ExitCodes.Ok;
            }
            output.WriteLine($"Created machine user {created["id"]} '{created["name"]}' in org {result.GetValue(org)} with role {created["role"]}.");
            if (given is null) WriteShownOnce(output, "Password", chosen, "password");
            return ExitCodes.Ok;
        });
        return add;
    }

    private static Command SetPasswordCommand(RemoteStore store, TextWriter output, TextReader input)
    {
        var remote = RemoteOption();
        var user = new Option<string>("--user") { Description = "Machine user name (e.g. \"machine-user-${account-id}\") or account id", Required = true };
        var password = new Option<string?>("--password") { Description = "Machine user password" };
        var generate = new Option<bool>("--generate") { Description = "Generate a long random password and print it once" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (keeps it out of shell history)" };
        var format = OutputOption();
        var setPassword = new Command("set-password", "Update the password for a machine user.") { remote, user, password, generate, passwordStdin, format };
        setPassword.Validators.Add(result =>
        {
            var sources = (result.GetValue(password) is not null ? 1 : 0) + (result.GetValue(generate) ? 1 : 0) + (result.GetValue(passwordStdin) ? 1 : 0);
            if (sources != 1) result.AddError("Give exactly one of --password, --generate or --password-stdin.");
        });
        setPassword.SetAction(async (result, cancellationToken) =>
        {
            var value = result.GetValue(generate) ? PasswordGenerator.Generate()
                : result.GetValue(passwordStdin) ? ReadLine(input)
                : result.GetValue(password)!;
            using var client = new PortalClient(store, result.GetValue(remote)!);
            await client.SendAsync(HttpMethod.Put, $"/machineUsers/{Uri.EscapeDataString(result.GetValue(user)!)}/password", new { password = value }, cancellationToken);
            if (result.GetValue(format) == "json")
            {
                var answer = new JsonObject { ["user"] = result.GetValue(user) };
                if (result.GetValue(generate)) answer["password"] = value; // generated: shown once
                output.WriteLine(answer.ToJsonString(Indented));
                return ExitCodes.Ok;
            }
            output.WriteLine($"Password of '{result.GetValue(user)}' set.");
            if (result.GetValue(generate)) WriteShownOnce(output, "New password", value, "password");
            return ExitCodes.Ok;
        });
        return setPassword;
    }

    private static Command AgentCommand(RemoteStore store, TextWriter output)
    {
        var remote = RemoteOption();
        var server = new Option<string>("--server") { Description = "This server's name in the portal", Required = true };
        var registry = new Option<string>("--registry") { Description = "The registry file (JSON map of setting path to value)", Required = true };
        var notify = new Option<string?>("--notify") { Description = "Command run once per affected service, with the service name as its argument" };
        var once = new Option<bool>("--once") { Description = "Run one cycle and exit (0 when all went well)" };
        var interval = new Option<string>("--interval") { Description = "Time between cycles, e.g. 30s or 5m", DefaultValueFactory = _ => "30s" };
        var agent = new Command("agent", "Run the server agent: report the registry, apply released configuration tasks, notify services.")
            { remote, server, registry, notify, once, interval };
        agent.SetAction(async (result, cancellationToken) =>
        {
            var period = ParseInterval(result.GetValue(interval)!);
            var registryPath = Path.GetFullPath(result.GetValue(registry)!);
            using var client = new PortalClient(store, result.GetValue(remote)!);
            var serverAgent = new ServerAgent(client, result.GetValue(server)!, new JsonFileRegistry(registryPath), registryPath + ".agent-key", result.GetValue(notify), output);
            while (true)
            {
                var allWell = await serverAgent.RunCycleAsync(cancellationToken);
                if (result.GetValue(once)) return allWell ? ExitCodes.Ok : ExitCodes.Refused;
                await Task.Delay(period, cancellationToken);
            }
        });
        return agent;
    }

    /// <summary>
    /// Prints a bash completion function. It asks unify itself through System.CommandLine's <c>[suggest:POSITION]</c>
    /// directive (what dotnet-suggest does, without needing that tool), so completions always match this binary.
    /// </summary>
    private static Command CompletionCommand(TextWriter output)
    {
        var shell = new Argument<string>("shell") { Description = "The shell to complete in (bash)" };
        shell.AcceptOnlyFromAmong("bash");
        var completion = new Command("completion", "Print the shell completion script, e.g.: unify completion bash >> ~/.bashrc") { shell };
        completion.SetAction(_ =>
        {
            output.Write(BashCompletion);
            return ExitCodes.Ok;
        });
        return completion;
    }

    internal const string BashCompletion = """
        # bash completion for unify: asks unify's [suggest] directive (System.CommandLine) for the words at the cursor.
        _unify_complete()
        {
            local line="${COMP_LINE:0:COMP_POINT}"
            line="${line#"${COMP_WORDS[0]}"}"
            line="${line#"${line%%[![:space:]]*}"}"
            local IFS=$'\n'
            local words
            words=$("${COMP_WORDS[0]}" "[suggest:${#line}]" "$line" 2>/dev/null) || return
            COMPREPLY=($(compgen -W "$words" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _unify_complete unify

        """;

    private static TimeSpan ParseInterval(string text)
    {
        var unit = text.Length > 0 ? text[^1] : ' ';
        if (int.TryParse(char.IsDigit(unit) ? text : text[..^1], out var amount) && amount > 0)
        {
            switch (unit)
            {
                case 's' or >= '0' and <= '9': return TimeSpan.FromSeconds(amount);
                case 'm': return TimeSpan.FromMinutes(amount);
                case 'h': return TimeSpan.FromHours(amount);
            }
        }
        throw new CliException(ExitCodes.Usage, $"'{text}' is not an interval such as 30s, 5m or 1h.");
    }

    internal static string Created(JsonNode? value) =>
        DateTime.TryParse((string?)value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal, out var at)
            ? at.ToString("yyyy-MM-dd HH:mm:ss") + "Z" : $"{value}";

    internal static void WriteTable(TextWriter output, string[] headers, IEnumerable<string[]> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        output.WriteLine(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in all) output.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
    }

    internal static string ReadLine(TextReader input) =>
        input.ReadLine() is { Length: > 0 } line ? line : throw new CliException(ExitCodes.Usage, "Standard input held no password.");

    /// <summary>Reads a password from the terminal without echoing it.</summary>
    private static string Prompt(string label)
    {
        if (Console.IsInputRedirected) throw new CliException(ExitCodes.Usage, "No terminal to prompt on: pipe the password with --password-stdin.");
        Console.Error.Write(label);
        var chars = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (chars.Length > 0) chars.Length--; }
            else if (!char.IsControl(key.KeyChar)) chars.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return chars.Length > 0 ? chars.ToString() : throw new CliException(ExitCodes.Usage, "No password entered.");
    }
}
