using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Cli;

/// <summary>
/// What every unify test stands on: a portal on Kestrel at 127.0.0.1, a scratch directory of its own, and the real
/// unify binary with its config directory inside it (not created: unify makes it itself). Both go when the test does.
/// </summary>
public abstract class UnifyAgainstPortal : IDisposable
{
    protected UnifyAgainstPortal(string scratchName)
    {
        Work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), scratchName, Guid.NewGuid().ToString("N"))).FullName;
        Config = Path.Combine(Work, "config");
        Address = Portal.StartOnLoopback();
        Unify = new UnifyProcess(Config);
    }

    protected PortalAppFactory Portal { get; } = new();
    protected Uri Address { get; }
    protected string Work { get; }
    protected string Config { get; }
    protected UnifyProcess Unify { get; }

    /// <summary>unify's contract for a refused command: the exit code, and one line on stderr starting <c>unify: </c>.</summary>
    protected static void AssertOneLineFailure(ProcessRun run, int exitCode, string containing)
    {
        Assert.True(exitCode == run.ExitCode, $"exit {run.ExitCode}, expected {exitCode}: {run.Error}");
        Assert.StartsWith("unify: ", Assert.Single(run.ErrorLines));
        Assert.Contains(containing, run.Error);
    }

    public void Dispose()
    {
        Portal.Dispose();
        try { Directory.Delete(Work, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}
