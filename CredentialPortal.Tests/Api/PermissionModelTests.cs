using System.Net;
using System.Text.Json.Nodes;
using CredentialPortal.Api;
using CredentialPortal.Domain;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Connectors;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Organisations;
using CredentialPortal.Domain.ServerConfiguration;
using CredentialPortal.Domain.Settings;
using CredentialPortal.Domain.Users;
using CredentialPortal.Domain.Verification;
using CredentialPortal.Tests.Domain;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Api;

/// <summary>
/// The one permission model (docs/architecture.md): every API endpoint declares its permission as metadata, the domain
/// refuses a forbidden actor on every write method whatever door it came through, and refusals carry stable codes.
/// </summary>
public class PermissionModelTests : IClassFixture<PermissionModelTests.Host>
{
    public sealed class Host : IDisposable
    {
        public DomainHost Domain { get; } = new();
        public void Dispose() => Domain.Dispose();
    }

    private readonly Host host;
    public PermissionModelTests(Host host) => this.host = host;

    private static readonly string Base = ApiSession.Base;

    /// <summary>Endpoints that are anonymous on purpose: signing in, and the fallback that answers unknown paths with 404.</summary>
    private static bool Anonymous(RouteEndpoint e) =>
        e.RoutePattern.RawText == $"{Base}/auth/token" || e.RoutePattern.RawText!.Contains("{*", StringComparison.Ordinal);

    [Fact]
    public void Every_api_endpoint_declares_its_permission_as_a_policy()
    {
        var endpoints = host.Domain.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(Base, StringComparison.Ordinal) == true && !Anonymous(e))
            .ToList();
        Assert.True(endpoints.Count > 25, $"only {endpoints.Count} API endpoints found");
        var missing = endpoints
            .Where(e => e.Metadata.GetMetadata<RequiredPermission>() is not { } declared
                || !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == Permissions.Policy(declared.Permission)))
            .Select(e => $"{string.Join(",", e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? [])} {e.RoutePattern.RawText}")
            .ToList();
        Assert.True(missing.Count == 0, "endpoints without a permission: " + string.Join("; ", missing));
    }

    private static Actor As(params string[] roles) => new(900, "tester", Door.API, "127.0.0.1") { Roles = roles };

    private static void Refused<T>(DomainResult<T> result, string what)
    {
        Assert.True(result.Status == DomainStatus.Forbidden, $"{what}: {result.Status} {result.Message}");
        Assert.Equal("forbidden", result.Code);
    }

    [Fact]
    public async Task Every_domain_write_method_refuses_an_actor_whose_roles_do_not_hold_its_permission()
    {
        var s = host.Domain.Services;
        var before = await DatabaseFingerprint.OfAsync(host.Domain.App.Data, "AuditRecords");
        var auditor = As(PortalRoles.Auditor);
        var helpdesk = As(PortalRoles.Helpdesk);
        var nobody = As();
        var connectors = s.GetRequiredService<ConnectorCredentials>();
        var people = s.GetRequiredService<PeopleCredentials>();
        var machines = s.GetRequiredService<MachineUserAccounts>();
        var values = s.GetRequiredService<ConfigurationValues>();
        var differences = s.GetRequiredService<ConfigurationDifferences>();
        var tasks = s.GetRequiredService<ConfigurationTasks>();
        var agents = s.GetRequiredService<AgentChannel>();
        var settings = s.GetRequiredService<SecuritySettingsStore>();
        var lockout = s.GetRequiredService<VerificationLockout>();
        var patch = DomainHost.Patch("""{ "accessKeyId": "AKIAREFUSED" }""");

        Refused(await connectors.PatchAsync(auditor, EntityCatalog.StorageTargets, "11", patch), "connector PATCH by Auditor");
        Refused(await connectors.VerifyAsync(helpdesk, EntityCatalog.StorageTargets, "11", "secretAccessKey", "x"), "connector verify by Helpdesk");
        Refused(await people.PatchAsync(helpdesk, 16, DomainHost.Patch("""{ "displayName": "Renamed" }""")), "person fields by Helpdesk");
        Refused(await people.PatchAsync(auditor, 16, DomainHost.Patch("""{ "password": "refused plain password" }""")), "person password by Auditor");
        Refused(await people.SetPasswordAsync(nobody, 16, "refused plain password"), "password by no role");
        Refused(await people.VerifyAsync(auditor, 16, "x"), "person verify by Auditor");
        Refused(await people.UnlockAsync(auditor, 16), "unlock by Auditor");
        Refused(await people.SetEnabledAsync(helpdesk, 16, false), "disable by Helpdesk");
        Refused(await people.SetRolesAsync(helpdesk, 16, [PortalRoles.Administrator]), "roles by Helpdesk");
        Refused(await machines.AddAsync(auditor, 1, null, null, null, null), "machine user by Auditor");
        Refused(await machines.SetPasswordAsync(helpdesk, "1001", "refused plain password"), "machine password by Helpdesk");
        Refused(await machines.CreateOrgAsync(auditor, "Refused organisation"), "organisation by Auditor");
        Refused(await machines.SetMembershipAsync(auditor, 1, 16, OrgRole.Admin), "membership by Auditor");
        Refused(await machines.ListOrgUsersAsync(helpdesk, 1), "organisation read by Helpdesk");
        Refused(await values.SetProfileValueAsync(auditor, 1, @"\Verba\Email Settings\TLSKeyPass", JsonValue.Create("refused")), "profile value by Auditor");
        Refused(await values.SetServerValueAsync(auditor, "rec01", @"\Verba\Email Settings\TLSKeyPass", JsonValue.Create("refused"), false), "server value by Auditor");
        Refused(await differences.ResolveAsync(auditor, "rec01", [(@"\Verba\Email Settings\TLSKeyPass", true)]), "resolve by Auditor");
        Refused(await tasks.ApplyAsync(auditor, "rec01"), "apply by Auditor");
        Refused(await agents.ReportRegistryAsync(auditor, "rec01", "key", new Dictionary<string, string>()), "registry report by Auditor");
        Refused(await agents.AgentTasksAsync(auditor, "rec01"), "agent tasks by Auditor");
        Refused(await agents.CompleteTaskAsync(auditor, "rec01", 1, true, null), "task outcome by Auditor");
        Refused(await settings.UpdateAsync(auditor, (await settings.GetAsync()).Copy()), "settings by Auditor");
        Refused(await lockout.LiftAsync(helpdesk, 1), "lift lockout by Helpdesk");

        Assert.Equal(before, await DatabaseFingerprint.OfAsync(host.Domain.App.Data, "AuditRecords"));
    }

    [Fact]
    public async Task The_api_door_reaches_the_same_refusals_with_stable_codes()
    {
        var factory = host.Domain.App;
        var helpdesk = await ApiSession.SignInAsync(factory, "helpdesk", PortalAppFactory.DemoPassword);
        var auditor = await ApiSession.SignInAsync(factory, "auditor", PortalAppFactory.DemoPassword);
        var integrator = await ApiSession.SignInAsync(factory, "integrator", PortalAppFactory.DemoPassword);

        async Task<JsonNode> Problem(HttpResponseMessage response, HttpStatusCode status, string code)
        {
            var body = await ApiSession.JsonAsync(response);
            Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {body.ToJsonString()}");
            Assert.Equal(code, (string?)body["code"]);
            return body;
        }

        // Refused by the endpoint's policy, and by the domain (Helpdesk holds SetPasswords but not EditPeople).
        await Problem(await auditor.PatchAsync("storageTargets/11", """{ "accessKeyId": "x" }"""), HttpStatusCode.Forbidden, "forbidden");
        var helpdeskFields = await Problem(await helpdesk.PatchAsync("users/16", """{ "displayName": "Renamed" }"""), HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("displayName", (string?)helpdeskFields["detail"]);
        await Problem(await helpdesk.GetAsync("servers"), HttpStatusCode.Forbidden, "forbidden");

        await Problem(await integrator.GetAsync("storageTargets/99999"), HttpStatusCode.NotFound, "not_found");
        await Problem(await integrator.GetAsync("no/such/path"), HttpStatusCode.NotFound, "not_found");
        var invalid = await Problem(await integrator.PatchAsync("storageTargets/11", """{ "bucket": "x" }"""), HttpStatusCode.BadRequest, "invalid");
        Assert.NotNull(invalid["errors"]?["bucket"]);
        var stale = await integrator.SendAsync(HttpMethod.Patch, "storageTargets/11", """{ "accessKeyId": "AKIASTALE" }""",
            configure: r => r.Headers.TryAddWithoutValidation("If-Match", "\"0\""));
        await Problem(stale, HttpStatusCode.PreconditionFailed, "precondition_failed");
        await Problem(await integrator.PostAsync("orgs/1/machineUsers", """{ "accountId": 1001 }"""), HttpStatusCode.Conflict, "conflict");
    }
}
