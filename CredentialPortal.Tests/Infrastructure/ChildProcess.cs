using System.Diagnostics;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>What a child process left behind when it ended: its exit code and everything it printed.</summary>
public sealed record ProcessRun(int ExitCode, string Output, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// Runs a built binary of the solution under <c>dotnet</c> to completion: the one way the tests start a process they
/// wait for (the unify CLI, the portal's one-shot commands), so that each is fed, read and timed out alike.
/// </summary>
public static class ChildProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>A start for <c>dotnet <paramref name="dllPath"/> <paramref name="args"/></c> with stdout and stderr redirected.</summary>
    public static ProcessStartInfo Dotnet(string dllPath, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dllPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    /// <summary>
    /// Starts <paramref name="start"/>, writes <paramref name="stdin"/> (when not null) and closes it, and waits up to
    /// 60 s; a process still running then is killed with its children (never left behind) and the wait throws.
    /// </summary>
    public static async Task<ProcessRun> RunAsync(ProcessStartInfo start, string? stdin = null)
    {
        start.RedirectStandardInput = stdin is not null;
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileNameWithoutExtension(start.ArgumentList[0])} {string.Join(' ', start.ArgumentList.Skip(1))} "
                + $"did not exit within {Limit.TotalSeconds:0} s. Output so far: {await output} {await error}");
        }
        return new ProcessRun(process.ExitCode, await output, await error);
    }
}
