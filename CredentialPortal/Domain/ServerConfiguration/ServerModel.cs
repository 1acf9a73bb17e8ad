namespace CredentialPortal.Domain.ServerConfiguration;

/// <summary>A server of the recording system; its roles decide which configuration profiles apply to it.</summary>
public sealed class Server
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Host { get; set; }
    /// <summary>Comma-separated server roles, e.g. "Recording Server".</summary>
    public required string Roles { get; set; }
    public DateTime? AgentLastSeen { get; set; }
    /// <summary>The agent's public key (SPKI, base64): secret values travel to it encrypted for it alone.</summary>
    public string? AgentPublicKey { get; set; }

    public IReadOnlyList<string> RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Common configuration for every server of one role (Approach B).</summary>
public sealed class ConfigurationProfile
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }
}

public enum SettingType
{
    Text,
    Number,
    Bool,
    Secret,
}

/// <summary>A configuration key, addressed by its registry path, and the services that must reread it.</summary>
public sealed class SettingDefinition
{
    public required string Path { get; set; }
    public SettingType Type { get; set; }
    /// <summary>Comma-separated service names notified when the value changes.</summary>
    public required string Services { get; set; }
    public string? Description { get; set; }

    public IReadOnlyList<string> ServiceList => Services.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// A stored value: plain for ordinary settings, Data Protection ciphertext for secrets. <see cref="Scope"/> says
/// whose it is: a profile's value, a server's custom value, or the value a server's agent reported from its registry.
/// </summary>
public sealed class ConfigurationValue
{
    public long Id { get; set; }
    public ValueScope Scope { get; set; }
    /// <summary>Profile id for <see cref="ValueScope.Profile"/>, server id otherwise.</summary>
    public int OwnerId { get; set; }
    public required string Path { get; set; }
    public string? Plain { get; set; }
    public string? Ciphertext { get; set; }
    public DateTime ChangedAt { get; set; }
}

public enum ValueScope
{
    Profile,
    ServerCustom,
    Registry,
}

public enum ConfigurationTaskStatus
{
    Pending,
    /// <summary>Released to the server's agent.</summary>
    Applying,
    Applied,
    Failed,
}

/// <summary>Work for one server: push these keys into its registry and tell these services to reread.</summary>
public sealed class ConfigurationTask
{
    public int Id { get; set; }
    public int ServerId { get; set; }
    public ConfigurationTaskStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? AppliedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? Message { get; set; }
    public List<ConfigurationTaskAction> Actions { get; set; } = [];
}

public sealed class ConfigurationTaskAction
{
    public int Id { get; set; }
    public int TaskId { get; set; }
    public required string Path { get; set; }
    public string? Plain { get; set; }
    public string? Ciphertext { get; set; }
    public required string Services { get; set; }
}
