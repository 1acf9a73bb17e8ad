using System.Diagnostics;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Connectors;

namespace CredentialPortal.Domain.ConnectionChecks;

/// <summary>
/// <c>smb</c>: Debian's <c>smbclient</c> (no maintained .NET SMB client restores here) lists <c>sharePath</c> as
/// <c>domain\userName</c>. The password goes to it in its <c>PASSWD</c> environment variable, never on the command line.
/// </summary>
public sealed class SmbConnectionCheck : IConnectionCheck
{
    public const string Program = "/usr/bin/smbclient";
    public string TypeName => "smb";

    public string Describe(CredentialEntity entity) => ((SmbStorageTarget)entity).SharePath;

    public async Task<ConnectionVerdict> CheckAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var smb = (SmbStorageTarget)target.Entity;
        if (!File.Exists(Program)) return ConnectionVerdict.Unsupported("smbclient is not installed on this portal host (Debian package smbclient).");
        if (target.Secret("password") is not { } password) return ConnectionVerdict.Misconfigured("No password is stored.");
        var parts = smb.SharePath.TrimStart('\\').Split('\\', 2);
        if (parts.Length < 2) return ConnectionVerdict.Misconfigured(@"The share path is not \\server\share.");
        var host = parts[0];
        if (await NetworkProbe.ConnectAsync(host, 445, target.Timeout, cancellationToken) is { } unreachable) return unreachable;

        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("//" + host + "/" + parts[1].Replace('\\', '/').TrimEnd('/'));
        start.ArgumentList.Add("-U");
        start.ArgumentList.Add(string.IsNullOrEmpty(smb.Domain) ? smb.UserName : smb.Domain + "\\" + smb.UserName);
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("ls");
        start.ArgumentList.Add("-t");
        start.ArgumentList.Add(((int)Math.Ceiling(target.Timeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.Environment["PASSWD"] = password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        var text = await output + await errors;
        if (process.ExitCode == 0) return ConnectionVerdict.Ok($@"Listed {smb.SharePath} as {smb.Domain}\{smb.UserName}.");
        if (text.Contains("NT_STATUS_LOGON_FAILURE", StringComparison.Ordinal) || text.Contains("NT_STATUS_ACCOUNT", StringComparison.Ordinal))
        {
            return ConnectionVerdict.Rejected($@"The file server refused the login as {smb.Domain}\{smb.UserName}.");
        }
        if (text.Contains("NT_STATUS_BAD_NETWORK_NAME", StringComparison.Ordinal))
        {
            return ConnectionVerdict.Misconfigured($"The login succeeded, but the share {smb.SharePath} does not exist.");
        }
        if (text.Contains("NT_STATUS_ACCESS_DENIED", StringComparison.Ordinal))
        {
            return ConnectionVerdict.Misconfigured($"The login succeeded, but {smb.SharePath} may not be listed.");
        }
        var status = System.Text.RegularExpressions.Regex.Match(text, "NT_STATUS_[A-Z_]+").Value;
        return ConnectionVerdict.Unreachable($"SMB: {host} could not be used ({(status.Length > 0 ? status : "smbclient exit " + process.ExitCode)}).");
    }
}
