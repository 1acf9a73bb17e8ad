using CredentialPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>
/// One portal on a real socket at 127.0.0.1 and one headless Debian Chromium, shared by the browser tests.
/// Each test opens its own browser context (its own cookies).
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    // The shared admin sign-in (AdminPageAsync) lives for the whole run: longer than the step-up window, which would
    // otherwise ask tests for the password halfway through. OpenSessionBrowserTests tests the window on its own portal.
    // Every browser test signs in from 127.0.0.1: a run records about 18 sign-ins in its busiest minute, and code and
    // passkey requests draw on the same budget per address (30 a minute), so a fast run can be refused with 429. The
    // budget itself is tested in Api/SignInAbuseTests.
    public BrowserFixture() : this(new PortalAppFactory(overrides: new Dictionary<string, string?>
    {
        ["Portal:StepUpWindow"] = "1.00:00:00",
        ["Api:TokenRequestsPerMinute"] = "300",
    }), "browser-portal.log") { }

    /// <summary>A portal with settings of its own (short revalidation, a manual clock…), and where its log goes.</summary>
    protected BrowserFixture(PortalAppFactory portal, string logName)
    {
        Portal = portal;
        this.logName = logName;
    }

    private readonly string logName;

    public PortalAppFactory Portal { get; }
    public Uri BaseAddress { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;

    /// <summary>CSP violations and uncaught page errors seen by any test page.</summary>
    public List<string> PageErrors { get; } = [];

    /// <summary>Screenshots for people to look at, under the test run's output folder.</summary>
    public static string OutputDirectory { get; } = Directory.CreateDirectory(
        Path.Combine(AppContext.BaseDirectory, "test-output", "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install it with 'apt-get install -y chromium' (.ci/run does).");
        }
        BaseAddress = Portal.StartOnLoopback();
        // CI runs the browser beside the other test classes on two cores: allow for a slow moment.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    // host: another name for the portal's address (WebAuthn needs a domain, localhost, not an IP address).
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800, string? storageState = null, string? host = null)
    {
        var baseUrl = host is null ? BaseAddress : new UriBuilder(BaseAddress) { Host = host }.Uri;
        var context = await Browser.NewContextAsync(new() { BaseURL = baseUrl.ToString(), ViewportSize = new() { Width = width, Height = height }, StorageState = storageState });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        // Every browser test also checks that nothing broke the Content-Security-Policy or threw in the page.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && (message.Text.Contains("Content Security Policy") || message.Text.Contains("Refused to")))
            {
                lock (PageErrors) PageErrors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => { lock (PageErrors) PageErrors.Add(error); };
        return page;
    }

    public async Task SignInAsync(IPage page, string loginName, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("User name").FillAsync(loginName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Signs in with the right password and waits for the dashboard the sign-in lands on.</summary>
    public async Task SignInToDashboardAsync(IPage page, string loginName, string password)
    {
        await SignInAsync(page, loginName, password);
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/$"));
    }

    /// <summary>
    /// A new page signed in as the administrator (the most controls): on the dashboard, or on <paramref name="path"/>
    /// once its circuit is connected.
    /// </summary>
    public async Task<IPage> AdminPageAsync(string? path = null)
    {
        // One sign-in for the whole run, its cookie reused: each sign-in costs a password hash, and dozens a minute
        // would still draw on the sign-in budget per client address (Api:TokenRequestsPerMinute).
        if (adminSession is null)
        {
            var first = await NewPageAsync();
            await SignInToDashboardAsync(first, "admin", PortalAppFactory.AdminPassword);
            adminSession = await first.Context.StorageStateAsync();
            await first.Context.CloseAsync();
        }
        var page = await NewPageAsync(storageState: adminSession);
        await page.GotoAsync(path ?? "/");
        if (!(path ?? "/").StartsWith("/account", StringComparison.Ordinal)) await WaitForInteractivityAsync(page);
        return page;
    }

    private string? adminSession;

    /// <summary>Resolves once the Blazor circuit is connected, so clicks reach the server.</summary>
    public static Task WaitForInteractivityAsync(IPage page) =>
        page.Locator("main[data-interactive=true]").WaitForAsync();

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        playwright?.Dispose();
        // The portal's log of the browser run, for reading when a browser test fails.
        await File.WriteAllTextAsync(Path.Combine(OutputDirectory, "..", logName), Portal.Logs.Text);
        Portal.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
