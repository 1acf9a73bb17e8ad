namespace CredentialPortal.Domain.ServerConfiguration;

/// <summary>One key where a server's registry and the database disagree. Secret values are never shown: only whether they differ.</summary>
public sealed record ConfigurationDifference(string Path, string? ValueRegistry, string? ValueDb, bool ServerCustom, bool Secret);

/// <summary>A server with its state for the list: differences, pending tasks, agent contact.</summary>
public sealed record ServerState(Server Server, int Differences, int PendingTasks, int ApplyingTasks);

/// <summary>A setting's value as anyone may see it: plain for ordinary settings, "(secret, set)" for secrets.</summary>
public sealed record SettingValue(string Path, SettingType Type, string? Value, bool IsSet, DateTime? ChangedAt, string Source);

/// <summary>An action handed to a server's agent; a secret value is sealed for that agent's key.</summary>
public sealed record AgentAction(string Path, string? Value, string? SealedValue, IReadOnlyList<string> Services);

public sealed record AgentTask(int TaskId, IReadOnlyList<AgentAction> Actions);

