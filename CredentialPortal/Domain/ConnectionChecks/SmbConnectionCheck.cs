using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Connectors;

namespace CredentialPortal.Domain.ConnectionChecks;

/// <summary>
/// <c>smb</c>: Debian's <c>smbclient</c> (no maintained .NET SMB client restores here) lists <c>sharePath</c> as
/// <c>domain\userName</c> on <c>port</c> (445 while unset). The password goes to it in its <c>PASSWD</c> environment
/// variable, never on the command line. What it prints is read for the NT status of the step that failed, as Samba's
/// smbclient 4.17 words it: <c>session setup failed: NT_STATUS_LOGON_FAILURE</c> (the login),
/// <c>tree connect failed: NT_STATUS_BAD_NETWORK_NAME</c> (the share), <c>NT_STATUS_OBJECT_NAME_NOT_FOUND</c> (a directory
/// below the share).
/// </summary>
public sealed partial class SmbConnectionCheck : IConnectionCheck
{
    public const string Program = "/usr/bin/smbclient";
    public string TypeName => "smb";

    public string Describe(CredentialEntity entity)
    {
        var smb = (SmbStorageTarget)entity;
        return smb.Port is { } port ? $"{smb.SharePath} (port {port})" : smb.SharePath;
    }

    public async Task<ConnectionVerdict> CheckAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var smb = (SmbStorageTarget)target.Entity;
        if (!File.Exists(Program)) return ConnectionVerdict.Unsupported("smbclient is not installed on this portal host (Debian package smbclient).");
        if (target.Secret("password") is not { } password) return ConnectionVerdict.Misconfigured("No password is stored.");
        // \\server\share[\directory…]: smbclient connects to //server/share and changes to the directory, if any.
        var parts = smb.SharePath.Trim('\\').Split('\\', 3);
        if (parts.Length < 2) return ConnectionVerdict.Misconfigured(@"The share path is not \\server\share.");
        var (host, share) = (parts[0], parts[1]);
        var directory = parts.Length > 2 ? parts[2] : null;
        var port = smb.Port ?? SmbStorageTarget.DefaultPort;
        var account = string.IsNullOrEmpty(smb.Domain) ? smb.UserName : smb.Domain + "\\" + smb.UserName;
        if (await NetworkProbe.ConnectAsync(host, port, target.Timeout, cancellationToken) is { } unreachable) return unreachable;

        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardInput = true, // closed at once: smbclient never waits at a prompt
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("//" + host + "/" + share);
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("-U");
        start.ArgumentList.Add(account);
        if (directory is not null)
        {
            start.ArgumentList.Add("-D");
            start.ArgumentList.Add(directory);
        }
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("ls");
        start.ArgumentList.Add("-t");
        start.ArgumentList.Add(((int)Math.Ceiling(target.Timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        start.Environment["PASSWD"] = password;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
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
        var status = NtStatus().Match(text).Value;
        if (process.ExitCode == 0 && status.Length == 0) return ConnectionVerdict.Ok($"Listed {smb.SharePath} as {account}.");
        if (status is "NT_STATUS_LOGON_FAILURE" or "NT_STATUS_WRONG_PASSWORD" or "NT_STATUS_LOGON_TYPE_NOT_GRANTED"
            || status.StartsWith("NT_STATUS_ACCOUNT_", StringComparison.Ordinal) || status.StartsWith("NT_STATUS_PASSWORD_", StringComparison.Ordinal))
        {
            return ConnectionVerdict.Rejected($"The file server refused the login as {account} ({status}).");
        }
        if (status == "NT_STATUS_BAD_NETWORK_NAME")
        {
            return ConnectionVerdict.Misconfigured($"The login as {account} succeeded, but the share '{share}' does not exist on {host}.");
        }
        if (status is "NT_STATUS_OBJECT_NAME_NOT_FOUND" or "NT_STATUS_OBJECT_PATH_NOT_FOUND" or "NT_STATUS_NOT_A_DIRECTORY")
        {
            return ConnectionVerdict.Misconfigured($"The login as {account} succeeded, but {smb.SharePath} is not a directory on the share ({status}).");
        }
        if (status == "NT_STATUS_ACCESS_DENIED")
        {
            return ConnectionVerdict.Misconfigured($"The login as {account} succeeded, but {smb.SharePath} may not be listed.");
        }
        return ConnectionVerdict.Unreachable($"SMB: {host}:{port} could not be used ({(status.Length > 0 ? status : "smbclient exit " + process.ExitCode)}).");
    }

    [GeneratedRegex("NT_STATUS_[A-Z_]+")]
    private static partial Regex NtStatus();
}
