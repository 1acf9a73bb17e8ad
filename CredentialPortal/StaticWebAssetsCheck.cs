namespace CredentialPortal;

/// <summary>
/// A build run outside Development (<c>dotnet run -c Release</c>, <c>dotnet bin/Release/…/CredentialPortal.dll</c>)
/// serves no static web assets: the SDK maps them from the project and package folders in Development only, and copies
/// them into <c>wwwroot/</c> only when the portal is published. The pages would then come without their stylesheet and
/// scripts, silently; this says so once, at start-up.
/// </summary>
public static class StaticWebAssetsCheck
{
    /// <summary>Files every portal page needs: the site stylesheet and the Blazor script.</summary>
    public static readonly string[] RequiredAssets = ["css/portal.css", "_framework/blazor.web.js"];

    /// <summary>The assets in <see cref="RequiredAssets"/> that the web root does not hold.</summary>
    public static IReadOnlyList<string> Missing(IWebHostEnvironment environment) =>
        RequiredAssets.Where(path => !environment.WebRootFileProvider.GetFileInfo(path).Exists).ToList();

    public static void WarnIfMissing(IWebHostEnvironment environment, ILogger logger)
    {
        var missing = Missing(environment);
        if (missing.Count == 0) return;
        logger.LogWarning(
            "The portal runs in the {Environment} environment without its static web assets ({Missing} are not in {WebRoot}): " +
            "its pages will have no stylesheet and no interactivity. Outside Development run a published copy: " +
            "`dotnet publish CredentialPortal -c Release -o <dir>`, then `dotnet <dir>/CredentialPortal.dll`.",
            environment.EnvironmentName, string.Join(", ", missing), environment.WebRootPath ?? Path.Combine(environment.ContentRootPath, "wwwroot"));
    }
}
