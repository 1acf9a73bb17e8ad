namespace CredentialPortal.Data.Seeding;

/// <summary>
/// Where first-run messages (generated passwords, the sign-in hint) are written: the console, never the log,
/// so a generated password is shown once to the person who started the portal and kept out of log files.
/// </summary>
public sealed class StartupNotices(TextWriter writer)
{
    public StartupNotices() : this(Console.Out) { }

    public void Write(string message)
    {
        lock (writer)
        {
            writer.WriteLine(message);
            writer.Flush();
        }
    }
}
