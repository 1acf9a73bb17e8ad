using CredentialPortal.Api;
using CredentialPortal.Components;
using CredentialPortal.Components.Account;
using CredentialPortal.Data;
using CredentialPortal.Data.KeyRing;
using CredentialPortal.Data.Seeding;
using CredentialPortal.Domain;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace CredentialPortal;

/// <summary>The composition root: every service and the request pipeline, shared by Program and the tests.</summary>
public static class PortalHost
{
    public const string ApplicationName = "CredentialPortal";

    public static WebApplicationBuilder AddCredentialPortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        // Settings are read when services are built, not here, so a test host's settings reach all of them.
        services.AddOptions<PortalOptions>().Bind(configuration.GetSection(PortalOptions.Section));
        services.AddSingleton(sp => PortalDataDirectory.FromConfiguration(sp.GetRequiredService<IConfiguration>()));

        // Data: the provider is chosen in one place.
        services.AddPortalDatabase();
        // Start-up work (migrations, key ring check, roles, first administrator, demo data) runs before the other hosted
        // services: Data Protection's own one loads the key ring, whose table the migrations create.
        services.AddHostedService<DatabaseStartup>();
        // Audit records to the configured SIEM sinks; a mistake in their settings stops start-up, worded for the operator.
        services.AddOptions<Domain.Audit.Sinks.AuditOptions>().Bind(configuration.GetSection(Domain.Audit.Sinks.AuditOptions.Section));
        services.AddHostedService<Domain.Audit.Sinks.AuditDelivery>();
        // Lockouts that ran out are audit events too (set and lifted ones are recorded where they happen).
        services.AddSingleton<Domain.Verification.LockoutExpirySweep>();
        services.AddHostedService(sp => sp.GetRequiredService<Domain.Verification.LockoutExpirySweep>());

        // Keys for cookies, tokens and connector secrets live in the database: a restart can still read them, every
        // instance over one database shares them, and a backup of the database carries them. The master key, kept
        // outside the database, encrypts them there (KeyRingProtection checks it at start-up).
        services.AddSingleton(sp => PortalMasterKey.FromConfiguration(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>()));
        services.AddSingleton<KeyRingProtection>();
        services.AddDataProtection().SetApplicationName(ApplicationName).PersistKeysToDbContext<PortalDbContext>();
        // After PersistKeysToDbContext has set its store: reads go through the master-key check, writes are sealed.
        services.AddOptions<KeyManagementOptions>().PostConfigure<PortalMasterKey>((o, masterKey) =>
        {
            o.XmlRepository = new MasterKeyCheckedKeyRing(o.XmlRepository ?? throw new InvalidOperationException("PersistKeysToDbContext set no key ring store."), masterKey);
            if (masterKey.IsConfigured) o.XmlEncryptor = new MasterKeyXmlEncryptor(masterKey);
        });
        // The EF Core store logs each key's XML at Debug: in Development without a master key that is key material.
        builder.Logging.AddFilter(typeof(EntityFrameworkCoreXmlRepository<>).Namespace, LogLevel.Information);

        // Identity: people's accounts, roles, login lockout, PBKDF2-HMAC-SHA512 hashing.
        services.AddOptions<PasswordHasherOptions>().Configure<IOptions<PortalOptions>>((o, portal) =>
        {
            o.CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3;
            o.IterationCount = portal.Value.PasswordHashIterations;
        });
        services.AddIdentityCore<PortalUser>(o =>
            {
                o.User.RequireUniqueEmail = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                // Identity's own password rules are off: PolicyPasswordValidator applies the product's PasswordPolicy.
                o.Password.RequiredLength = 1;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                // Identity's passkey table is mapped by PortalDbContext itself (docs/design.md §6.9), not through
                // Stores.SchemaVersion: so the host's model is exactly the one the migrations were made from.
            })
            .AddRoles<PortalRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager<PortalSignInManager>()
            .AddDefaultTokenProviders();

        // Passkeys: discoverable (so sign-in needs no user name) and user-verified (the device's PIN or biometric), which is
        // what lets a passkey stand in for password and code together (docs/design.md §6.9).
        services.AddOptions<IdentityPasskeyOptions>().Configure<IOptions<PortalOptions>>((o, portal) =>
        {
            o.ServerDomain = portal.Value.PasskeyServerDomain;
            o.ResidentKeyRequirement = "required";
            o.UserVerificationRequirement = "required";
            // The credential must come from this portal's own origin, as the request reached it. (Identity's default
            // compares the Origin header, which browsers send as "null" on a form post under Referrer-Policy: no-referrer.)
            o.ValidateOrigin = context =>
            {
                var request = context.HttpContext.Request;
                return ValueTask.FromResult(!context.CrossOrigin
                    && string.Equals(context.Origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase));
            };
        });

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).Configure<IOptions<PortalOptions>>((o, portal) =>
        {
            o.Cookie.Name = "CredentialPortal.Session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = portal.Value.SessionIdleTimeout;
            o.SlidingExpiration = true;
            o.LoginPath = AccountPaths.Login;
            o.LogoutPath = AccountPaths.Logout;
            o.AccessDeniedPath = AccountPaths.AccessDenied;
        });
        services.AddAuthorizationBuilder().AddPermissionPolicies();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, PermissionHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ApiAuthorizationResultHandler>();

        // REST API v1: bearer tokens, problem details, rate limits.
        services.AddCredentialApi();

        // The domain service layer every door calls. After Identity, so it can replace Identity's password rules.
        services.AddCredentialDomain();

        // Portal (Blazor Server + MudBlazor).
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, PortalAuthenticationStateProvider>();
        services.AddScoped<CircuitActivity>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<CircuitActivity>());
        services.AddMudServices(mud =>
        {
            mud.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight;
            mud.SnackbarConfiguration.VisibleStateDuration = 6000;
        });
        services.AddHttpContextAccessor();
        services.AddScoped<CredentialPortal.Components.Shared.PortalActor>();
        services.AddScoped<CredentialPortal.Components.Shared.StepUpSession>();

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        // Start-up work: migrations, roles, first administrator, demo data.
        services.AddSingleton<StartupNotices>();
        services.AddScoped<DemoData>();
        services.AddScoped<ScaleData>();

        return builder;
    }

    public static WebApplication UseCredentialPortal(this WebApplication app)
    {
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            StaticWebAssetsCheck.WarnIfMissing(app.Environment, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StaticWebAssetsCheck)));
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }

        // The documented API shows "https://host//verba/restapi/v1/…": collapse repeated slashes so such requests work as written.
        app.Use((http, next) =>
        {
            var path = http.Request.Path.Value;
            if (path is not null && path.Contains("//", StringComparison.Ordinal))
            {
                http.Request.Path = new PathString(System.Text.RegularExpressions.Regex.Replace(path, "/{2,}", "/"));
            }
            return next(http);
        });
        var apiBasePath = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.BasePath;
        app.UseCredentialApiErrors(apiBasePath);
        app.UseWhen(http => !http.Request.Path.StartsWithSegments(apiBasePath),
            portal => portal.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseRouting(); // explicitly here: after the path fix and the status pages, so both see routing run afresh
        app.UseAuthentication();
        app.UseCurrentApiAccount(apiBasePath);
        app.UseRequiredActionGate(apiBasePath);
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthEndpoints();
        app.MapSessionKeepAlive();
        app.MapPasskeyEndpoints();
        app.MapCredentialApi();
        // Without per-message compression: each connection would hold a deflate context (hundreds of KB) for as long as
        // its tab stays open, and an admin portal on a LAN gains little from compressing render batches.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.DisableWebSocketCompression = true);

        app.Lifetime.ApplicationStarted.Register(() => AnnounceAddresses(app));
        return app;
    }

    private static void AnnounceAddresses(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is not { Count: > 0 })
        {
            return; // the in-memory test server has no address
        }
        var options = app.Services.GetRequiredService<IOptions<PortalOptions>>().Value;
        var data = app.Services.GetRequiredService<PortalDataDirectory>();
        app.Services.GetRequiredService<StartupNotices>().Write(
            $"""
             CredentialPortal is running at {string.Join(", ", addresses)}
               Sign in as 'admin'{(options.SeedDemo ? " (or helpdesk, auditor)" : "")} with the password printed at first start{(string.IsNullOrEmpty(options.AdminPassword) ? "" : " (Portal:AdminPassword)")}.
               Data directory: {data.Path} (delete it to start over). Press Ctrl+C to stop.
             """);
    }
}
