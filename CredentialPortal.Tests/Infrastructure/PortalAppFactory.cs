using System.Net;
using CredentialPortal.Data.Seeding;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// The real application over a temporary SQLite file (or, when the run asks for it, a PostgreSQL database: see
/// <see cref="TestPostgres"/>). Password hashing is lowered for speed here;
/// one test proves the production setting separately.
/// </summary>
public class PortalAppFactory : WebApplicationFactory<Program>
{
    public const string AdminPassword = "first-run-password-for-tests";
    public const string DemoPassword = "demo-password-for-tests";

    private readonly Dictionary<string, string?> settings;

    private readonly Action<IServiceCollection>? configureServices;

    public PortalAppFactory(TestDataDirectory? data = null, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        configureServices = services;
        OwnsData = data is null;
        Data = data ?? new TestDataDirectory();
        settings = new Dictionary<string, string?>(Data.Settings)
        {
            ["Portal:AdminPassword"] = AdminPassword,
            ["Portal:DemoPassword"] = DemoPassword,
            ["Portal:SeedDemo"] = "true",
            ["Portal:PasswordHashIterations"] = "1000",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            if (value is null) settings.Remove(key); // null: leave the product's default
            else settings[key] = value;
        }
    }

    public TestDataDirectory Data { get; }
    private bool OwnsData { get; }

    /// <summary>What the portal printed to its console (first-run passwords, the address banner).</summary>
    public StringWriter Notices { get; } = new();

    /// <summary>Every log line the app wrote, at every level (for the "no secret in a log" scans).</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>Serve on a real socket at 127.0.0.1 (for the browser), and return the base address.</summary>
    public Uri StartOnLoopback()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address);
    }

    /// <summary>
    /// Stops serving on the socket, closing every connection after a second as a crashed or restarted server would;
    /// the app itself stays until disposal.
    /// </summary>
    public async Task StopServerAsync()
    {
        using var abort = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Services.GetRequiredService<IServer>().StopAsync(abort.Token);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton(new StartupNotices(Notices)));
            configureServices?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && OwnsData)
        {
            Data.Dispose();
        }
    }
}
