namespace CredentialPortal.Domain.Connectors;

/// <summary>Directory synchronisation profile (resource <c>adSyncProfiles</c>, GUID ids).</summary>
public abstract class AdSyncProfile
{
    public Guid Id { get; set; }
    public string Description { get; set; } = "";
    public bool Enabled { get; set; } = true;
}

public sealed class LdapSyncProfile : AdSyncProfile
{
    public const string TypeName = "ldap";
    public string Host { get; set; } = "";
    public int Port { get; set; } = 636;
    public string UserName { get; set; } = "";
    public bool UseSsl { get; set; } = true;
    public string BaseDn { get; set; } = "";
}

public sealed class AzureAdSyncProfile : AdSyncProfile
{
    public const string TypeName = "azure_ad";
    public string TenantId { get; set; } = "";
    public string ClientId { get; set; } = "";
}
