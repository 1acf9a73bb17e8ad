namespace Unify;

/// <summary>The documented exit codes (docs/design.md §5.3).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int Refused = 2;
    public const int Unreachable = 3;
    /// <summary><c>unify credential verify</c>: the server answered that the value does not match.</summary>
    public const int NoMatch = 4;
    /// <summary><c>unify audit verify</c>: the export's chain or signature is broken.</summary>
    public const int Broken = 5;
}

/// <summary>A failure with its exit code and a one-line message for stderr.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
