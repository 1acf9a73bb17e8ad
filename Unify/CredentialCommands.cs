using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using CredentialPortal.Domain.Passwords;

namespace Unify;

/// <summary>
/// <c>unify credential list|get|rotate|verify RESOURCE [ID]</c> over every resource of the catalog, for vault scripts:
/// a table by default, <c>--output json</c> for scripts. Secret values come from the generator or standard input, never
/// from an argument (arguments land in shell history and in <c>ps</c>).
/// </summary>
public static class CredentialCommands
{
    private static JsonSerializerOptions Indented => Commands.Indented;

    public static Command Build(RemoteStore store, TextWriter output, TextReader input)
    {
        var credential = new Command("credential", "List, read, rotate and verify the credentials of any resource (" + string.Join(", ", ApiResources.Names) + ").");
        credential.Subcommands.Add(ListCommand(store, output));
        credential.Subcommands.Add(GetCommand(store, output));
        credential.Subcommands.Add(RotateCommand(store, output, input));
        credential.Subcommands.Add(VerifyCommand(store, output, input));
        return credential;
    }

    private static Argument<string> ResourceArgument()
    {
        var resource = new Argument<string>("resource") { Description = "The API's resource name: " + string.Join(", ", ApiResources.Names) };
        resource.AcceptOnlyFromAmong([.. ApiResources.Names]);
        return resource;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The entity's id, as the API writes it" };

    private static Option<string> OutputOption() => Commands.OutputOption();

    private static Option<string?> PropertyOption(string description) => new("--property") { Description = description };

    private static Command ListCommand(RemoteStore store, TextWriter output)
    {
        var resource = ResourceArgument();
        var remote = Commands.RemoteOption();
        var type = new Option<string?>("--type") { Description = "Only entities of this type (connector resources)" };
        var search = new Option<string?>("--search") { Description = "Only entities whose name (or login, display name, email) contains this" };
        var pageSize = new Option<int>("--page-size") { Description = "Entities fetched per request; every page is followed", DefaultValueFactory = _ => 100 };
        pageSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000) r.AddError("--page-size must be from 1 to 1000.");
        });
        var format = OutputOption();
        var list = new Command("list", "List every entity of a resource (public properties only), following the API's pages.") { resource, remote, type, search, pageSize, format };
        list.SetAction(async (result, cancellationToken) =>
        {
            var api = ApiResources.Find(result.GetValue(resource)!);
            var query = new List<string> { $"limit={result.GetValue(pageSize)}" };
            if (result.GetValue(type) is { Length: > 0 } t)
            {
                if (!api.HasTypes) throw new CliException(ExitCodes.Usage, $"{api.Name} have no types to filter by; use --search.");
                query.Add("type=" + Uri.EscapeDataString(t));
            }
            if (result.GetValue(search) is { Length: > 0 } s) query.Add("search=" + Uri.EscapeDataString(s));
            using var client = new PortalClient(store, result.GetValue(remote)!);
            var items = new JsonArray();
            await foreach (var item in client.ListAllAsync($"/{api.Name}?{string.Join('&', query)}", cancellationToken))
            {
                items.Add(item?.DeepClone());
            }
            if (result.GetValue(format) == "json")
            {
                output.WriteLine(items.ToJsonString(Indented));
                return ExitCodes.Ok;
            }
            Commands.WriteTable(output, [.. api.Columns.Select(Header)], items.Select(i => api.Columns.Select(c => Cell(i?[c])).ToArray()));
            return ExitCodes.Ok;
        });
        return list;
    }

    private static Command GetCommand(RemoteStore store, TextWriter output)
    {
        var resource = ResourceArgument();
        var id = IdArgument();
        var remote = Commands.RemoteOption();
        var format = OutputOption();
        var get = new Command("get", "Show one entity's public properties (never a secret).") { resource, id, remote, format };
        get.SetAction(async (result, cancellationToken) =>
        {
            var api = ApiResources.Find(result.GetValue(resource)!);
            using var client = new PortalClient(store, result.GetValue(remote)!);
            var entity = await client.SendAsync(HttpMethod.Get, EntityPath(api, result.GetValue(id)!), null, cancellationToken);
            if (result.GetValue(format) == "json")
            {
                output.WriteLine(entity?.ToJsonString(Indented));
                return ExitCodes.Ok;
            }
            Commands.WriteTable(output, ["PROPERTY", "VALUE"], (entity as JsonObject ?? []).Select(p => new[] { p.Key, Cell(p.Value) }));
            return ExitCodes.Ok;
        });
        return get;
    }

    private static Command RotateCommand(RemoteStore store, TextWriter output, TextReader input)
    {
        var target = new SecretArguments("The secret to set, e.g. password, apiSecret (users: password, the default)");
        var generate = new Option<bool>("--generate") { Description = "Generate a long random value and print it once" };
        var valueStdin = new Option<bool>("--value-stdin") { Description = "Read the new value from standard input (one trailing line break is dropped)" };
        var rotate = target.Command("rotate", "Set a new value for one secret (PATCH {property: value}).", generate, valueStdin);
        rotate.Validators.Add(result =>
        {
            if (result.GetValue(generate) == result.GetValue(valueStdin)) result.AddError("Give exactly one of --generate or --value-stdin.");
        });
        rotate.SetAction(async (result, cancellationToken) =>
        {
            var (api, secret, id) = target.Read(result);
            var generated = result.GetValue(generate);
            var value = generated ? PasswordGenerator.Generate() : ReadValue(input);
            using var client = new PortalClient(store, result.GetValue(target.Remote)!);
            var entity = await client.SendAsync(HttpMethod.Patch, EntityPath(api, id), new JsonObject { [secret] = value }, cancellationToken);
            if (result.GetValue(target.Format) == "json")
            {
                var answer = new JsonObject { ["resource"] = api.Name, ["id"] = id, ["property"] = secret };
                if (generated) answer["value"] = value;
                answer["entity"] = entity?.DeepClone();
                output.WriteLine(answer.ToJsonString(Indented));
                return ExitCodes.Ok;
            }
            output.WriteLine($"Rotated {secret} of {api.Name} {id}.");
            if (generated) Commands.WriteShownOnce(output, "New value", value, "value");
            return ExitCodes.Ok;
        });
        return rotate;
    }

    private static Command VerifyCommand(RemoteStore store, TextWriter output, TextReader input)
    {
        var target = new SecretArguments("The secret to check, e.g. password, apiSecret (users: password, the default)");
        var verify = target.Command("verify", "Check the value on standard input against a stored secret. Exit code 0: it matches; 4: it does not.");
        verify.SetAction(async (result, cancellationToken) =>
        {
            var (api, secret, id) = target.Read(result);
            var value = ReadValue(input);
            var path = EntityPath(api, id) + "/password/verify";
            using var client = new PortalClient(store, result.GetValue(target.Remote)!);
            var answer = api.VerifiesRawText
                ? await client.SendContentAsync(HttpMethod.Post, path, new StringContent(value, System.Text.Encoding.UTF8, "text/plain"), cancellationToken)
                : await client.SendAsync(HttpMethod.Post, path, new JsonObject { ["property"] = secret, ["value"] = value }, cancellationToken);
            if (answer is not JsonValue verdict || !verdict.TryGetValue<bool>(out var matches))
            {
                throw new CliException(ExitCodes.Refused, "The server's verify answer was not true or false.");
            }
            if (result.GetValue(target.Format) == "json")
            {
                output.WriteLine(new JsonObject { ["resource"] = api.Name, ["id"] = id, ["property"] = secret, ["matches"] = matches }.ToJsonString(Indented));
            }
            else
            {
                output.WriteLine(matches ? "matches" : "does not match");
            }
            return matches ? ExitCodes.Ok : ExitCodes.NoMatch;
        });
        return verify;
    }

    /// <summary>What rotate and verify both take (RESOURCE ID --remote --property, their own options, --output) and read first.</summary>
    private sealed class SecretArguments(string propertyDescription)
    {
        public Argument<string> Resource { get; } = ResourceArgument();
        public Argument<string> Id { get; } = IdArgument();
        public Option<string> Remote { get; } = Commands.RemoteOption();
        public Option<string?> Property { get; } = PropertyOption(propertyDescription);
        public Option<string> Format { get; } = OutputOption();

        public Command Command(string name, string description, params Option[] own)
        {
            var command = new Command(name, description) { Resource, Id, Remote, Property };
            foreach (var option in own) command.Options.Add(option);
            command.Options.Add(Format);
            return command;
        }

        /// <summary>The resource, the secret the command names (a usage error when it names none or a wrong one), and the id.</summary>
        public (ApiResource Api, string Secret, string Id) Read(ParseResult result)
        {
            var api = ApiResources.Find(result.GetValue(Resource)!);
            return (api, SecretName(api, result.GetValue(Property)), result.GetValue(Id)!);
        }
    }

    private static string EntityPath(ApiResource api, string id) => $"/{api.Name}/{Uri.EscapeDataString(id)}";

    private static string SecretName(ApiResource api, string? property) =>
        (property, api.OnlySecret) switch
        {
            ({ Length: > 0 } given, null) => given,
            ({ Length: > 0 } given, { } only) when given == only => given,
            ({ Length: > 0 } given, { } only) => throw new CliException(ExitCodes.Usage, $"{api.Name} have one secret, '{only}', not '{given}'."),
            (_, { } only) => only,
            _ => throw new CliException(ExitCodes.Usage, $"Say which secret: --property NAME (the {api.Name} type's secret, e.g. password)."),
        };

    /// <summary>All of standard input, less one trailing line break (what echo and here-strings add); multi-line values survive.</summary>
    private static string ReadValue(TextReader input)
    {
        var text = input.ReadToEnd();
        text = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        return text.Length > 0 ? text : throw new CliException(ExitCodes.Usage, "Standard input held no value.");
    }

    private static string Header(string property) =>
        string.Concat(property.Select((c, i) => char.IsUpper(c) && i > 0 ? " " + c : c.ToString())).ToUpperInvariant();

    private static string Cell(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };
}
