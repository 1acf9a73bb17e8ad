using System.CommandLine;
using Unify;

// unify: rotate connector (machine) user credentials through the CredentialPortal REST API.
// Exit codes: 0 ok, 1 usage, 2 refused by the server, 3 cannot reach the remote, 5 an audit export that does not verify.
try
{
    var root = Commands.Build(new RemoteStore(), Console.Out, Console.In);
    var parsed = root.Parse(args);
    if (parsed.Errors.Count > 0)
    {
        // One line on stderr, like every other failure; --help shows the full usage.
        var command = string.Join(' ', parsed.CommandResult.Command.Name == root.Name ? [] : CommandPath(parsed.CommandResult));
        var message = System.Text.RegularExpressions.Regex.Replace(string.Join(" ", parsed.Errors.Select(e => e.Message)), @"\s+", " ");
        Console.Error.WriteLine($"unify: {message} See: unify {command}{(command.Length > 0 ? " " : "")}--help");
        return ExitCodes.Usage;
    }
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (CliException e)
{
    Console.Error.WriteLine($"unify: {e.Message}");
    return e.ExitCode;
}

static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
{
    var names = new Stack<string>();
    for (var current = result; current?.Parent is not null; current = current.Parent as System.CommandLine.Parsing.CommandResult)
    {
        names.Push(current.Command.Name);
    }
    return names;
}
