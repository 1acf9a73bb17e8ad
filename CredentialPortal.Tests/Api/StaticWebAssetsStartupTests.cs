using CredentialPortal.Tests.Domain;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Api;

/// <summary>
/// The built (not published) portal as a process: outside Development it has no static web assets, and says so once
/// at start-up; in Development the SDK maps them and it says nothing.
/// </summary>
public class StaticWebAssetsStartupTests
{
    private const string Warning = "without its static web assets";

    private static async Task<(string Output, string Stylesheet)> StartAsync(string environment)
    {
        using var data = new TestDataDirectory(postgres: false);
        await using var portal = await PortalProcess.StartAsync(data, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = environment,
            ["Portal:MasterKey"] = KeyRingProtectionTests.NewMasterKey(),
        });
        using var http = new HttpClient { BaseAddress = portal.Address };
        var stylesheet = await http.GetStringAsync("/css/portal.css");
        await Task.Delay(500); // the start-up lines are read from the process asynchronously
        return (portal.Output, stylesheet);
    }

    [Fact]
    public async Task Outside_Development_a_build_that_was_not_published_warns_once_that_its_static_assets_are_missing()
    {
        var (output, stylesheet) = await StartAsync("Production");

        Assert.Equal(1, output.Split(Warning).Length - 1);
        Assert.Contains("css/portal.css, _framework/blazor.web.js are not in", output);
        Assert.Contains("dotnet publish CredentialPortal -c Release", output);
        Assert.Equal("", stylesheet); // what the warning is about: the stylesheet's address answers with nothing
    }

    [Fact]
    public async Task In_Development_the_same_build_serves_its_static_assets_and_does_not_warn()
    {
        var (output, stylesheet) = await StartAsync("Development");

        Assert.DoesNotContain(Warning, output);
        Assert.Contains(".visually-hidden", stylesheet);
    }
}
