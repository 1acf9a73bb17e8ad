using System.ComponentModel.DataAnnotations;
using CredentialPortal.Domain.Catalog;
using FluentValidation;

namespace CredentialPortal.Domain.Connectors;

/// <summary>Directory synchronisation profile (resource <c>adSyncProfiles</c>, GUID ids).</summary>
public abstract class AdSyncProfile : CredentialEntity
{
    public Guid Id { get; set; }
    public string Description { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public override string Key => Id.ToString("D").ToUpperInvariant();
}

[EntityType("ldap", "LDAP directory")]
[Secret("ldapPassword", "LDAP password")]
public sealed class LdapSyncProfile : AdSyncProfile
{
    [Updatable, Display(Name = "Host", Description = "Domain controller or LDAP server, e.g. dc01.corp.example.com.")]
    public string Host { get; set; } = "";

    [Updatable, Display(Name = "Port", Description = "389 for LDAP, 636 for LDAPS.")]
    public int Port { get; set; } = 636;

    [Updatable, Display(Name = "User name", Description = "The bind account, e.g. svc.ldapsync or CORP\\svc.ldapsync.")]
    public string UserName { get; set; } = "";

    [Updatable, Display(Name = "Use SSL", Description = "LDAPS from the first byte (usually port 636); StartTLS is not used.")]
    public bool UseSsl { get; set; } = true;

    [Updatable, Display(Name = "Base DN", Description = "Where the directory is read, e.g. DC=corp,DC=example,DC=com.")]
    public string BaseDn { get; set; } = "";
}

public sealed class LdapSyncProfileValidator : EntityValidator<LdapSyncProfile>
{
    public LdapSyncProfileValidator()
    {
        RuleFor(x => x.Host).HostName();
        RuleFor(x => x.Port).Port();
        RuleFor(x => x.UserName).Name();
        RuleFor(x => x.BaseDn).MaximumLength(1024).Must(FieldRules.NotContainControlCharacters);
    }
}

[EntityType("azure_ad", "Azure AD (Entra ID) tenant")]
[Secret("clientSecret", "Client secret")]
public sealed class AzureAdSyncProfile : AdSyncProfile
{
    [Updatable, Display(Name = "Tenant id", Description = "The directory (tenant) id, a GUID.")]
    public string TenantId { get; set; } = "";

    [Updatable, Display(Name = "Client id", Description = "The application (client) id registered in the tenant, a GUID.")]
    public string ClientId { get; set; } = "";

    [Updatable, OmittedWhenNull, Display(Name = "Authority host", Description = "Where tokens are issued; empty for https://login.microsoftonline.com (set it for a national cloud).")]
    public string? AuthorityHost { get; set; }
}

public sealed class AzureAdSyncProfileValidator : EntityValidator<AzureAdSyncProfile>
{
    public AzureAdSyncProfileValidator()
    {
        RuleFor(x => x.TenantId).Must(v => Guid.TryParse(v, out _)).WithMessage("'Tenant id' must be a GUID.");
        RuleFor(x => x.ClientId).Must(v => Guid.TryParse(v, out _)).WithMessage("'Client id' must be a GUID.");
        RuleFor(x => x.AuthorityHost!).AbsoluteUrl().When(x => x.AuthorityHost is not null);
    }
}
