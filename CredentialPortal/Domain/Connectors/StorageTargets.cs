using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using CredentialPortal.Domain.Catalog;
using FluentValidation;

namespace CredentialPortal.Domain.Connectors;

/// <summary>Where recordings are archived (resource <c>storageTargets</c>, integer ids).</summary>
public abstract class StorageTarget : CredentialEntity
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public override string Key => Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

[EntityType("amazon_s3", "Amazon S3")]
[Secret("secretAccessKey", "Secret access key")]
public sealed partial class AmazonS3StorageTarget : StorageTarget
{
    public string Bucket { get; set; } = "";
    public string Region { get; set; } = "";

    [Display(Name = "Object lock enabled")]
    public bool ObjectLockEnabled { get; set; }

    [Display(Name = "Object lock mode"), AllowedValues("compliance", "governance")]
    public string? ObjectLockMode { get; set; }

    [Updatable, Display(Name = "Access key id", Description = "The IAM access key id, e.g. AKIA… (20 characters).")]
    public string AccessKeyId { get; set; } = "";

    [Updatable, OmittedWhenNull, Display(Name = "Service URL", Description = "For S3-compatible storage, e.g. https://s3.example.com; empty for Amazon S3 itself.")]
    public string? ServiceUrl { get; set; }

    [GeneratedRegex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$")]
    internal static partial Regex RegionPattern();
}

public sealed class AmazonS3StorageTargetValidator : EntityValidator<AmazonS3StorageTarget>
{
    public AmazonS3StorageTargetValidator()
    {
        RuleFor(x => x.Name).Name();
        RuleFor(x => x.Region).Matches(AmazonS3StorageTarget.RegionPattern()).WithMessage("'Region' must be an AWS region such as eu-central-1.");
        RuleFor(x => x.AccessKeyId).Identifier();
        RuleFor(x => x.ServiceUrl!).AbsoluteUrl().When(x => x.ServiceUrl is not null);
    }
}

[EntityType("azure_blob", "Azure Blob Storage")]
[Secret("accountKey", "Account key")]
public sealed class AzureBlobStorageTarget : StorageTarget
{
    public string Container { get; set; } = "";

    [Updatable, Display(Name = "Account name", Description = "The storage account name: 3–24 lower-case letters and digits.")]
    public string AccountName { get; set; } = "";

    [Updatable, OmittedWhenNull, Display(Name = "Endpoint", Description = "The blob service address; empty for https://<account>.blob.core.windows.net.")]
    public string? Endpoint { get; set; }
}

public sealed class AzureBlobStorageTargetValidator : EntityValidator<AzureBlobStorageTarget>
{
    public AzureBlobStorageTargetValidator()
    {
        RuleFor(x => x.Name).Name();
        RuleFor(x => x.AccountName).Matches("^[a-z0-9]{3,24}$").WithMessage("'Account name' must be 3–24 lower-case letters and digits.");
        RuleFor(x => x.Endpoint!).AbsoluteUrl().When(x => x.Endpoint is not null);
    }
}

[EntityType("sftp", "SFTP server")]
[Secret("password", "Password")]
[Secret("privateKey", "Private key")]
[Secret("privateKeyPassphrase", "Private key passphrase")]
public sealed partial class SftpStorageTarget : StorageTarget
{
    [Updatable, Display(Name = "Host", Description = "The SFTP server's host name or IP address.")]
    public string Host { get; set; } = "";

    [Updatable, Display(Name = "Port", Description = "Usually 22.")]
    public int Port { get; set; } = 22;

    [Updatable, Display(Name = "User name")]
    public string UserName { get; set; } = "";

    [Updatable, Display(Name = "Path", Description = "The directory recordings go to, e.g. /recordings.")]
    public string Path { get; set; } = "";

    [Updatable, OmittedWhenNull, Display(Name = "Host key fingerprint", Description = "SHA256:… as ssh-keygen -lf prints it; when set, any other host key is refused.")]
    public string? HostKeyFingerprint { get; set; }

    [GeneratedRegex("^SHA256:[A-Za-z0-9+/]{43}=?$")]
    internal static partial Regex FingerprintPattern();
}

public sealed class SftpStorageTargetValidator : EntityValidator<SftpStorageTarget>
{
    public SftpStorageTargetValidator()
    {
        RuleFor(x => x.Name).Name();
        RuleFor(x => x.Host).HostName();
        RuleFor(x => x.Port).Port();
        RuleFor(x => x.UserName).Identifier();
        RuleFor(x => x.Path).MaximumLength(1024).Must(FieldRules.NotContainControlCharacters);
        RuleFor(x => x.HostKeyFingerprint).Matches(SftpStorageTarget.FingerprintPattern())
            .WithMessage("'Host key fingerprint' must be SHA256:… as ssh-keygen -lf prints it.");
    }
}

[EntityType("smb", "SMB file share")]
[Secret("password", "Password")]
public sealed class SmbStorageTarget : StorageTarget
{
    [Updatable, Display(Name = "Share path", Description = @"UNC path of the share, e.g. \\fs01.corp.example.com\recordings.")]
    public string SharePath { get; set; } = "";

    [Updatable, Display(Name = "Domain", Description = "The Windows domain of the account, e.g. CORP.")]
    public string Domain { get; set; } = "";

    [Updatable, Display(Name = "User name")]
    public string UserName { get; set; } = "";

    [Updatable, OmittedWhenNull, Display(Name = "Port", Description = "The file server's SMB port; empty for 445.")]
    public int? Port { get; set; }

    /// <summary>SMB's port, which the check uses while <see cref="Port"/> is unset.</summary>
    public const int DefaultPort = 445;
}

public sealed class SmbStorageTargetValidator : EntityValidator<SmbStorageTarget>
{
    public SmbStorageTargetValidator()
    {
        RuleFor(x => x.Name).Name();
        RuleFor(x => x.SharePath).Matches(@"^\\\\[^\\/:*?""<>|\s]+(\\[^\\/:*?""<>|]+)+\\?$")
            .WithMessage(@"'Share path' must be a UNC path such as \\server\share.");
        RuleFor(x => x.Domain).MaximumLength(15).Must(FieldRules.NotContainControlCharacters);
        RuleFor(x => x.UserName).Identifier();
        RuleFor(x => x.Port).Port();
    }
}
