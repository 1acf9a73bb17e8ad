namespace CredentialPortal.Domain.Connectors;

/// <summary>Where recordings are archived (resource <c>storageTargets</c>, integer ids).</summary>
public abstract class StorageTarget
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
}

public sealed class AmazonS3StorageTarget : StorageTarget
{
    public const string TypeName = "amazon_s3";
    public string Bucket { get; set; } = "";
    public string Region { get; set; } = "";
    public bool ObjectLockEnabled { get; set; }
    public string? ObjectLockMode { get; set; }
    public string AccessKeyId { get; set; } = "";
}

public sealed class AzureBlobStorageTarget : StorageTarget
{
    public const string TypeName = "azure_blob";
    public string Container { get; set; } = "";
    public string AccountName { get; set; } = "";
}

public sealed class SftpStorageTarget : StorageTarget
{
    public const string TypeName = "sftp";
    public string Host { get; set; } = "";
    public int Port { get; set; } = 22;
    public string UserName { get; set; } = "";
    public string Path { get; set; } = "";
}

public sealed class SmbStorageTarget : StorageTarget
{
    public const string TypeName = "smb";
    public string SharePath { get; set; } = "";
    public string Domain { get; set; } = "";
    public string UserName { get; set; } = "";
}
