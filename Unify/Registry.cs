using System.Text.Json;

namespace Unify;

/// <summary>Where a server's services read their configuration. On Windows this would be the registry.</summary>
public interface IRegistryStore
{
    SortedDictionary<string, string> Read();
    void Write(SortedDictionary<string, string> values);
}

/// <summary>
/// The registry as a JSON file (path → value), owner-only (0600). Writes go to a temporary file that is flushed and then
/// renamed over the old one, so a crash leaves either the old or the new registry, never half of one.
/// </summary>
public sealed class JsonFileRegistry(string path) : IRegistryStore
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public SortedDictionary<string, string> Read()
    {
        if (!File.Exists(path)) return new(StringComparer.Ordinal);
        try
        {
            return JsonSerializer.Deserialize<SortedDictionary<string, string>>(File.ReadAllText(path)) ?? new(StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.Usage, $"The registry file {path} is not a JSON map of path to value.");
        }
    }

    public void Write(SortedDictionary<string, string> values)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, values, Indented);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
