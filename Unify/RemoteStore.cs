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
/// Remotes live in the user's config directory, in a file only the user can read (0600) inside a directory only the user
/// can enter (0700). The directory is <c>$UNIFY_CONFIG_DIR</c>, else <c>$XDG_CONFIG_HOME/unify</c>, else
/// <c>$HOME/.config/unify</c> (the XDG base directory rules: an unset, empty or relative <c>XDG_CONFIG_HOME</c> counts as
/// unset). A relative result is refused: it would put the refresh token wherever the command happens to run.
/// </summary>
public sealed class RemoteStore(string? directory = null)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private string? resolved = directory;

    /// <summary>Resolved on first use, so <c>--help</c> works even where no config directory can be found.</summary>
    public string Directory => resolved ??= ConfigDirectory(Environment.GetEnvironmentVariable);

    public string FilePath => Path.Combine(Directory, "remotes.json");

    /// <summary>Where the remotes live for these environment variables; a <see cref="CliException"/> when that is not an absolute path.</summary>
    public static string ConfigDirectory(Func<string, string?> environment)
    {
        if (environment("UNIFY_CONFIG_DIR") is { Length: > 0 } explicitDirectory)
        {
            return Path.IsPathFullyQualified(explicitDirectory)
                ? explicitDirectory
                : throw new CliException(ExitCodes.Usage, $"UNIFY_CONFIG_DIR must be an absolute path, not '{explicitDirectory}'.");
        }
        if (environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg && Path.IsPathFullyQualified(xdg)) return Path.Combine(xdg, "unify");
        var home = environment("HOME");
        if (string.IsNullOrEmpty(home) && OperatingSystem.IsWindows()) home = environment("USERPROFILE");
        if (string.IsNullOrEmpty(home) || !Path.IsPathFullyQualified(home))
        {
            throw new CliException(ExitCodes.Usage,
                $"Cannot place the remotes file: HOME is {(string.IsNullOrEmpty(home) ? "not set" : $"'{home}', not an absolute path")} and XDG_CONFIG_HOME is not an absolute path. Set one of them, or UNIFY_CONFIG_DIR.");
        }
        return Path.Combine(home, ".config", "unify");
    }

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
        CreateOwnerOnlyDirectory(Directory);
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

    /// <summary>
    /// Creates the directory and every missing parent (~/.config on a fresh account) with 0700, as the XDG rules ask;
    /// the unify directory itself is made 0700 even when it already existed.
    /// </summary>
    private static void CreateOwnerOnlyDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
            return;
        }
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var missing = new Stack<string>();
        for (var current = path; !System.IO.Directory.Exists(current); current = Path.GetDirectoryName(current)!) missing.Push(current);
        // CreateDirectory applies the mode to the leaf only, so each missing level is created on its own.
        while (missing.TryPop(out var level)) System.IO.Directory.CreateDirectory(level, ownerOnly);
        File.SetUnixFileMode(path, ownerOnly);
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
