using System.Text.Json;
using System.Text.Json.Serialization;

namespace Unify;

/// <summary>A named server: its URL, the user last signed in, and that user's refresh token. Never a password.</summary>
public sealed class Remote
{
    public required string Url { get; set; }
    public string? User { get; set; }
    public string? RefreshToken { get; set; }
}

/// <summary>
/// Remotes live in the user's config directory (<c>$UNIFY_CONFIG_DIR</c>, else <c>$XDG_CONFIG_HOME/unify</c> or
/// <c>~/.config/unify</c>), in a file only the user can read (0600).
/// </summary>
public sealed class RemoteStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public RemoteStore(string? directory = null)
    {
        Directory = directory
            ?? Environment.GetEnvironmentVariable("UNIFY_CONFIG_DIR")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "unify");
    }

    public string Directory { get; }
    public string FilePath => Path.Combine(Directory, "remotes.json");

    public SortedDictionary<string, Remote> Load()
    {
        if (!File.Exists(FilePath)) return new(StringComparer.Ordinal);
        try
        {
            return JsonSerializer.Deserialize<SortedDictionary<string, Remote>>(File.ReadAllText(FilePath), Json) ?? new(StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.Usage, $"The remotes file {FilePath} is damaged; fix or delete it.");
        }
    }

    public void Save(SortedDictionary<string, Remote> remotes)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var temporary = FilePath + ".tmp";
        // Create the file with owner-only permissions before anything is written to it.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.Delete(temporary); // the mode applies only when the file is created
        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, remotes, Json);
        }
        File.Move(temporary, FilePath, overwrite: true);
    }

    public Remote Get(string name) =>
        Load().TryGetValue(name, out var remote)
            ? remote
            : throw new CliException(ExitCodes.Usage, $"No remote named '{name}'. Add it with: unify remote add {name} --url URL");

    public void Update(string name, Action<Remote> change)
    {
        var remotes = Load();
        if (!remotes.TryGetValue(name, out var remote)) throw new CliException(ExitCodes.Usage, $"No remote named '{name}'.");
        change(remote);
        Save(remotes);
    }
}
