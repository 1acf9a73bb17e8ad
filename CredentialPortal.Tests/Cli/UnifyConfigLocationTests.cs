using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Cli;

/// <summary>
/// Where the real unify binary keeps its remotes file (and the refresh token in it): the XDG base directory rules, an
/// owner-only directory and file, and never the current working directory.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnifyConfigLocationTests : IDisposable
{
    private const UnixFileMode OwnerDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string root = Path.Combine(Path.GetTempPath(), "unify-config-tests", Guid.NewGuid().ToString("N"));
    private readonly string home;
    private readonly string elsewhere;

    public UnifyConfigLocationTests()
    {
        home = Directory.CreateDirectory(Path.Combine(root, "home")).FullName;  // a fresh account: no ~/.config yet
        elsewhere = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
    }

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    private UnifyProcess Unify(string? home, string? xdgConfigHome) => new(null, new Dictionary<string, string?>
    {
        ["HOME"] = home,
        ["XDG_CONFIG_HOME"] = xdgConfigHome,
    }, elsewhere);

    private void AssertNothingWrittenHere() =>
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere, "*", SearchOption.AllDirectories));

    [Fact]
    public async Task A_fresh_home_and_an_empty_XDG_CONFIG_HOME_put_the_signed_in_remotes_file_in_HOME_config_owner_only()
    {
        using var portal = new PortalAppFactory();
        var address = portal.StartOnLoopback();
        var unify = Unify(home, "");

        Assert.Equal(0, (await unify.RunAsync("remote", "add", "test", "--url", address.ToString(), "--user", "admin")).ExitCode);
        var login = await unify.RunWithInputAsync(PortalAppFactory.AdminPassword + "\n", "login", "--remote", "test", "--password-stdin");
        Assert.Equal(0, login.ExitCode);

        var config = Path.Combine(home, ".config");
        var file = Path.Combine(config, "unify", "remotes.json");
        Assert.True(File.Exists(file), $"remotes file not at {file}");
        Assert.Contains("refreshToken", await File.ReadAllTextAsync(file));
        Assert.Equal(OwnerFile, File.GetUnixFileMode(file));
        Assert.Equal(OwnerDirectory, File.GetUnixFileMode(Path.Combine(config, "unify")));
        Assert.Equal(OwnerDirectory, File.GetUnixFileMode(config)); // created by unify, so owner-only as well
        AssertNothingWrittenHere();

        // The file is found again from anywhere: the remote is listed as signed in.
        Assert.Contains("signed in as admin", (await unify.RunAsync("remote", "list")).Output);
    }

    [Fact]
    public async Task An_absolute_XDG_CONFIG_HOME_is_used_and_a_relative_one_is_ignored()
    {
        var xdg = Path.Combine(root, "xdg");
        Assert.Equal(0, (await Unify(home, xdg).RunAsync("remote", "add", "a", "--url", "http://127.0.0.1:9")).ExitCode);
        Assert.True(File.Exists(Path.Combine(xdg, "unify", "remotes.json")));
        Assert.Equal(OwnerDirectory, File.GetUnixFileMode(Path.Combine(xdg, "unify")));
        Assert.False(Directory.Exists(Path.Combine(home, ".config")));

        // The XDG rules: a relative path in XDG_CONFIG_HOME is invalid and ignored, so $HOME/.config it is.
        Assert.Equal(0, (await Unify(home, "relative/config").RunAsync("remote", "add", "b", "--url", "http://127.0.0.1:9")).ExitCode);
        Assert.True(File.Exists(Path.Combine(home, ".config", "unify", "remotes.json")));
        AssertNothingWrittenHere();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative-home")]
    public async Task Without_an_absolute_home_unify_refuses_with_one_line_and_exit_code_1_and_writes_nothing(string? badHome)
    {
        var run = await Unify(badHome, "").RunAsync("remote", "add", "test", "--url", "http://127.0.0.1:9");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("unify: ", Assert.Single(run.ErrorLines)[..7]);
        Assert.Contains("Cannot place the remotes file", run.Error);
        AssertNothingWrittenHere();

        // Help needs no config directory.
        Assert.Equal(0, (await Unify(badHome, "").RunAsync("--help")).ExitCode);
    }

    [Fact]
    public async Task A_relative_UNIFY_CONFIG_DIR_is_refused()
    {
        var run = await new UnifyProcess("unify-here", workingDirectory: elsewhere).RunAsync("remote", "list");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("UNIFY_CONFIG_DIR must be an absolute path", Assert.Single(run.ErrorLines));
        AssertNothingWrittenHere();
    }
}
