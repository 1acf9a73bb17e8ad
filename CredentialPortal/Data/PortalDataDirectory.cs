namespace CredentialPortal.Data;

/// <summary>
/// The one folder everything the portal writes lives in: the SQLite database (which also holds the Data Protection
/// key ring). With PostgreSQL it holds nothing.
/// Configuration key <c>Portal:DataDirectory</c> (env <c>Portal__DataDirectory</c>), default <c>./data</c>.
/// </summary>
public sealed class PortalDataDirectory
{
    public const string ConfigurationKey = "Portal:DataDirectory";

    public PortalDataDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }
    public string DatabasePath => System.IO.Path.Combine(Path, "portal.db");

    public static PortalDataDirectory FromConfiguration(IConfiguration configuration) =>
        new(configuration[ConfigurationKey] is { Length: > 0 } configured ? configured : "data");
}
