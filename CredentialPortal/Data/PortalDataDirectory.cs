namespace CredentialPortal.Data;

/// <summary>
/// The one folder everything the portal writes lives in: the SQLite database and the Data Protection key ring.
/// Configuration key <c>Portal:DataDirectory</c> (env <c>Portal__DataDirectory</c>), default <c>./data</c>.
/// </summary>
public sealed class PortalDataDirectory
{
    public const string ConfigurationKey = "Portal:DataDirectory";

    public PortalDataDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
        Directory.CreateDirectory(KeysPath);
    }

    public string Path { get; }
    public string DatabasePath => System.IO.Path.Combine(Path, "portal.db");
    public string KeysPath => System.IO.Path.Combine(Path, "keys");

    public static PortalDataDirectory FromConfiguration(IConfiguration configuration) =>
        new(configuration[ConfigurationKey] is { Length: > 0 } configured ? configured : "data");
}
