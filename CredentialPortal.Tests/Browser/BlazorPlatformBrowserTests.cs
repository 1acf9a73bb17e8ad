using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>Counts the circuits the portal holds in memory (opened and not yet closed).</summary>
public sealed class OpenCircuits : CircuitHandler
{
    private int open;

    public int Count => Volatile.Read(ref open);

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref open);
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Interlocked.Decrement(ref open);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The stock .NET 10 Blazor platform: the SDK's own blazor.web.js, and a tab in the background pausing its circuit
/// (the server frees it) and resuming it without a page reload. The portal here pauses a tab hidden for one second.
/// </summary>
public class BlazorPlatformBrowserTests(BlazorPlatformBrowserTests.Portal browser) : IClassFixture<BlazorPlatformBrowserTests.Portal>
{
    public sealed class Portal : BrowserFixture
    {
        public Portal() : this(new OpenCircuits()) { }

        private Portal(OpenCircuits circuits) : base(
            new PortalAppFactory(
                overrides: new Dictionary<string, string?> { ["Portal:BackgroundTabPauseAfter"] = "00:00:01" },
                services: s => s.AddSingleton<CircuitHandler>(circuits)),
            "blazor-platform-portal.log") => Circuits = circuits;

        public OpenCircuits Circuits { get; }
    }

    /// <summary>Tells the page its tab was hidden or shown, as the browser does when the person switches tabs.</summary>
    private static Task SetTabVisibilityAsync(IPage page, bool visible) =>
        page.EvaluateAsync("""
            visible => {
                Object.defineProperty(document, "visibilityState", { configurable: true, get: () => visible ? "visible" : "hidden" });
                Object.defineProperty(document, "hidden", { configurable: true, get: () => !visible });
                document.dispatchEvent(new Event("visibilitychange"));
            }
            """, visible);

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var waited = TimeSpan.Zero; !condition(); waited += TimeSpan.FromMilliseconds(100))
        {
            Assert.True(waited < TimeSpan.FromSeconds(20), $"timed out waiting until {what}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task The_served_blazor_script_is_the_NET_10_one_from_the_SDK()
    {
        var page = await browser.AdminPageAsync();
        await BrowserFixture.WaitForInteractivityAsync(page);

        var source = await page.Locator("script[src*='_framework/blazor.web']").GetAttributeAsync("src");
        Assert.NotNull(source);
        var response = await page.APIRequest.GetAsync(source);
        Assert.Equal(200, response.Status);
        var script = await response.TextAsync();
        // Only the .NET 10 client raises the reconnect-state event for the template's ReconnectModal and can pause and
        // resume a circuit; the .NET 9 one had neither.
        Assert.Contains("components-reconnect-state-changed", script);
        Assert.Contains("pauseCircuit", script);
        Assert.Contains("resumeCircuit", script);
        Assert.True(await page.EvaluateAsync<bool>("typeof Blazor.pauseCircuit === 'function' && typeof Blazor.resumeCircuit === 'function'"));
        lock (browser.PageErrors) Assert.True(browser.PageErrors.Count == 0, string.Join("\n", browser.PageErrors));
    }

    [Fact]
    public async Task A_tab_left_in_the_background_frees_its_circuit_and_resumes_without_a_reload()
    {
        var page = await browser.AdminPageAsync("/users");
        await WaitUntilAsync(() => browser.Circuits.Count == 1, "the tab's circuit is open");
        await page.EvaluateAsync("window.sameDocument = 'not reloaded'");

        await SetTabVisibilityAsync(page, visible: false);
        await WaitUntilAsync(() => browser.Circuits.Count == 0, "the hidden tab's circuit is released");

        await SetTabVisibilityAsync(page, visible: true);
        await WaitUntilAsync(() => browser.Circuits.Count == 1, "the shown tab's circuit is back");
        Assert.Equal("not reloaded", await page.EvaluateAsync<string>("window.sameDocument"));
        // And it is live again: the search reaches the server.
        await Assertions.Expect(page.GetByTestId("reconnect-modal")).Not.ToBeVisibleAsync();
        await page.GetByTestId("user-search").FillAsync("adm");
        await Assertions.Expect(page.GetByTestId("user-link").First).ToHaveTextAsync("admin");
        lock (browser.PageErrors) Assert.True(browser.PageErrors.Count == 0, string.Join("\n", browser.PageErrors));
    }
}

/// <summary>The .NET 10 template's reconnect dialog appears when the portal's server goes away under an open tab.</summary>
public class ReconnectBrowserTests : IAsyncLifetime
{
    private readonly BrowserFixture browser = new ServerThatGoesAway();

    private sealed class ServerThatGoesAway() : BrowserFixture(new PortalAppFactory(), "reconnect-portal.log");

    public Task InitializeAsync() => browser.InitializeAsync();

    public Task DisposeAsync() => browser.DisposeAsync();

    [Fact]
    public async Task When_the_server_goes_away_the_reconnect_dialog_says_so()
    {
        var page = await browser.AdminPageAsync();
        await BrowserFixture.WaitForInteractivityAsync(page);
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Connection to the server" });
        await Assertions.Expect(dialog).Not.ToBeVisibleAsync();

        await browser.Portal.StopServerAsync();

        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog).ToContainTextAsync(new System.Text.RegularExpressions.Regex("Rejoining the server|Rejoin failed|Failed to rejoin"));
        lock (browser.PageErrors) Assert.True(browser.PageErrors.Count == 0, string.Join("\n", browser.PageErrors));
    }
}
