using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.Secrets;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.ServerConfiguration;

/// <summary>
/// How configuration values are stored, shared by the jobs of server configuration (values, differences, tasks, the
/// agent channel; docs/design.md §6.8): secret settings encrypted like connector secrets, one write section for all of
/// them, the desired values of a server, and new tasks.
/// </summary>
public sealed class ConfigurationStorage(SecretProtector protector, TimeProvider clock)
{
    internal const string Resource = "serverConfiguration";

    /// <summary>Every configuration write runs in this one section (across instances too on PostgreSQL).</summary>
    internal DatabaseExclusion Writes { get; } = new("server-configuration");

    internal TimeProvider Clock => clock;

    /// <summary>
    /// The database's desired value of every key on a server: its custom value, else the first of its roles' profiles
    /// that has one. Three queries whatever the number of settings.
    /// </summary>
    internal static async Task<Dictionary<string, (ConfigurationValue Value, bool Custom)>> DesiredAsync(PortalDbContext db, Server server, CancellationToken cancellationToken)
    {
        var custom = await db.ConfigurationValues.AsNoTracking().Where(v => v.Scope == ValueScope.ServerCustom && v.OwnerId == server.Id).ToListAsync(cancellationToken);
        var roles = server.RoleList;
        var profileIds = await db.ConfigurationProfiles.AsNoTracking().Where(p => roles.Contains(p.Role)).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(cancellationToken);
        var profileValues = await db.ConfigurationValues.AsNoTracking().Where(v => v.Scope == ValueScope.Profile && profileIds.Contains(v.OwnerId)).ToListAsync(cancellationToken);
        var desired = new Dictionary<string, (ConfigurationValue, bool)>(StringComparer.Ordinal);
        foreach (var value in profileValues.OrderBy(v => profileIds.IndexOf(v.OwnerId)))
        {
            desired.TryAdd(value.Path, (value, false));
        }
        foreach (var value in custom) desired[value.Path] = (value, true);
        return desired;
    }

    internal async Task<ConfigurationValue> UpsertAsync(PortalDbContext db, ValueScope scope, int owner, SettingDefinition setting, string plain, CancellationToken cancellationToken) =>
        Store(db, await db.ConfigurationValues.FirstOrDefaultAsync(v => v.Scope == scope && v.OwnerId == owner && v.Path == setting.Path, cancellationToken),
            scope, owner, setting, plain);

    /// <summary>Writes a value into <paramref name="row"/>, or into a new row when there is none yet.</summary>
    internal ConfigurationValue Store(PortalDbContext db, ConfigurationValue? row, ValueScope scope, int owner, SettingDefinition setting, string plain)
    {
        if (row is null)
        {
            row = new ConfigurationValue { Scope = scope, OwnerId = owner, Path = setting.Path };
            db.ConfigurationValues.Add(row);
        }
        row.Plain = setting.Type == SettingType.Secret ? null : plain;
        row.Ciphertext = setting.Type == SettingType.Secret ? protector.Protect(Resource, $"{scope}:{owner}", setting.Path, plain) : null;
        row.ChangedAt = clock.GetUtcNow().UtcDateTime;
        return row;
    }

    internal string? Plain(ConfigurationValue value, SettingDefinition setting) =>
        setting.Type == SettingType.Secret && value.Ciphertext is not null
            ? protector.Unprotect(Resource, $"{value.Scope}:{value.OwnerId}", value.Path, value.Ciphertext)
            : value.Plain;

    /// <summary>A task's value, decrypted for the agent envelope or the registry it lands in.</summary>
    internal string PlainOf(ConfigurationTaskAction action, int serverId) =>
        action.Ciphertext is null ? action.Plain! : protector.Unprotect(Resource, $"task:{serverId}", action.Path, action.Ciphertext);

    internal void AddTask(PortalDbContext db, Server server, SettingDefinition setting, ConfigurationValue value)
    {
        var plain = Plain(value, setting)!;
        db.ConfigurationTasks.Add(new ConfigurationTask
        {
            ServerId = server.Id,
            Status = ConfigurationTaskStatus.Pending,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            Actions =
            [
                new ConfigurationTaskAction
                {
                    Path = setting.Path, Services = setting.Services,
                    Plain = setting.Type == SettingType.Secret ? null : plain,
                    Ciphertext = setting.Type == SettingType.Secret ? protector.Protect(Resource, $"task:{server.Id}", setting.Path, plain) : null,
                },
            ],
        });
    }

    internal static SettingValue Masked(SettingDefinition setting, ConfigurationValue? value, string source) =>
        new(setting.Path, setting.Type, setting.Type == SettingType.Secret ? null : value?.Plain, value is not null, value?.ChangedAt, source);

    /// <summary>Checks a JSON value against the setting's type; the stored form is invariant text.</summary>
    internal static string? Read(SettingDefinition setting, JsonNode? node, out string? plain)
    {
        plain = null;
        if (node is not JsonValue json) return "Send the value as a JSON string, number or boolean.";
        var element = JsonSerializer.SerializeToElement(json);
        switch (setting.Type)
        {
            case SettingType.Number when element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var number):
                plain = number.ToString(CultureInfo.InvariantCulture);
                return null;
            case SettingType.Bool when element.ValueKind is JsonValueKind.True or JsonValueKind.False:
                plain = element.GetBoolean() ? "true" : "false";
                return null;
            case SettingType.Text or SettingType.Secret when element.ValueKind == JsonValueKind.String && element.GetString() is { Length: <= 4096 } text && (setting.Type == SettingType.Text || text.Length > 0):
                plain = text;
                return null;
            default:
                return setting.Type switch
                {
                    SettingType.Number => "This setting takes a whole number.",
                    SettingType.Bool => "This setting takes true or false.",
                    _ => "This setting takes a string (a secret must not be empty).",
                };
        }
    }
}
