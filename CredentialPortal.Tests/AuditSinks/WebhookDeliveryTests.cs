using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CredentialPortal.Domain.Audit.Sinks;
using CredentialPortal.Tests.Api;
using CredentialPortal.Tests.Domain;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.AuditSinks;

/// <summary>An HTTPS webhook on loopback: signed bodies, retries while it answers 500, the state in /healthz and Settings.</summary>
[Trait("Category", "Heavy")]
public sealed class WebhookDeliveryTests
{
    [Fact]
    public async Task A_webhook_answering_500_gets_retries_its_backlog_and_error_show_then_every_record_arrives_signed_in_order()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var key = receiver.Key;
        receiver.Failing = true;
        using var factory = new PortalAppFactory(overrides: new SinkSettings().Webhook("siem-hook", receiver));
        var admin = await ApiSession.SignInAsync(factory, "admin", PortalAppFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsync("storageTargets/11", """{ "secretAccessKey": "webhook test secret" }""")).StatusCode);
        var client = factory.CreateClient();

        // Retried (1 s, 2 s … between attempts), reported, not fatal.
        await SinkProgress.WaitUntilAsync(() => receiver.Deliveries.Count(d => d.Answered == 500) >= 3, "the failing webhook should be retried");
        var health = await SinkProgress.HealthAsync(client);
        Assert.Equal("Healthy", (string?)health["status"]);
        var state = SinkProgress.Sink(health, "siem-hook");
        var head = await SinkProgress.HeadAsync(factory.Services);
        Assert.Equal(0, (long)state["lastDeliveredSeq"]!);
        Assert.Equal(head, (long)state["backlog"]!);
        Assert.Contains("500", (string?)state["lastError"] ?? "(none)");
        Assert.All(receiver.Deliveries, d => Assert.Contains("\"seq\":1,", Encoding.UTF8.GetString(d.Body))); // the same first record each time

        using (var browserless = await PortalForms.SignedInClientAsync(factory, "admin", PortalAppFactory.AdminPassword))
        {
            var settings = await browserless.GetStringAsync("/settings");
            Assert.Contains("siem-hook", settings);
            Assert.Contains("The webhook answered 500", settings);
            Assert.DoesNotContain(key, settings);
        }

        receiver.Failing = false;
        head = await SinkProgress.HeadAsync(factory.Services);
        state = await SinkProgress.WaitForDeliveredAsync(client, "siem-hook", head, TimeSpan.FromSeconds(60));
        Assert.Null((string?)state["lastError"]);
        Assert.Equal(0, (long)state["backlog"]!);

        var accepted = receiver.Deliveries.Where(d => d.Answered == 204).ToList();
        Assert.All(receiver.Deliveries, d => Assert.True(d.SignatureValid, $"bad signature {d.Signature}"));
        var records = await SinkProgress.RecordsAsync(factory.Services);
        Assert.Equal(records.Select(r => r.Sequence), accepted.Select(d => (long)JsonNode.Parse(d.Body)!["seq"]!));
        Assert.Equal(records.Select(r => r.Hash), accepted.Select(d => (string)JsonNode.Parse(d.Body)!["hash"]!));

        // The key is a secret: not in /healthz, a log line, or a delivered body.
        Assert.DoesNotContain(key, (await client.GetStringAsync("/healthz")));
        Assert.DoesNotContain(key, factory.Logs.Text);
        Assert.DoesNotContain(receiver.Deliveries, d => Encoding.UTF8.GetString(d.Body).Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_test_event_reaches_the_webhook_outside_the_chain_and_a_wrong_ca_is_refused()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var other = await WebhookReceiver.StartAsync();
        using var factory = new PortalAppFactory(overrides: new SinkSettings()
            .Webhook("good", receiver)
            // The other receiver's CA does not vouch for this receiver's certificate.
            .Webhook("wrong-ca", receiver, caFile: other.CaFile));
        _ = factory.Services;
        var test = factory.Services.GetService(typeof(AuditSinkTest)) as AuditSinkTest;
        var answer = await test!.SendAsync("good", DomainHost.Admin);
        Assert.True(answer is null, $"{answer}; the receiver saw: {string.Join(" | ", receiver.Deliveries.Select(d => $"{d.Answered} {d.Signature} {Encoding.UTF8.GetString(d.Body)}"))}");
        var sent = receiver.Deliveries.Single(d => JsonNode.Parse(d.Body)!["action"]!.GetValue<string>() == AuditSinkTest.Action);
        Assert.Equal(0, (long)JsonNode.Parse(sent.Body)!["seq"]!);
        Assert.True(sent.SignatureValid);
        Assert.Contains("SSL", await test.SendAsync("wrong-ca", DomainHost.Admin) ?? "(accepted)");
    }
}

/// <summary>Audit:FailClosed: writes are refused (503, nothing changed) while a sink is too far behind, and resume when it catches up.</summary>
[Trait("Category", "Heavy")]
public sealed class FailClosedTests
{
    [Fact]
    public async Task With_fail_closed_a_write_answers_503_and_changes_nothing_while_the_backlog_is_over_the_limit()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var factory = new PortalAppFactory(overrides: new SinkSettings { ["Audit:FailClosed"] = "true", ["Audit:FailClosedBacklog"] = "1" }
            .Webhook("siem-hook", receiver));
        var client = factory.CreateClient();
        // A new sink starts with the whole log (the demo data's records) as its backlog: sign-ins wait until it caught up.
        await SinkProgress.WaitForDeliveredAsync(client, "siem-hook", await SinkProgress.HeadAsync(factory.Services));
        var admin = await ApiSession.SignInAsync(factory, "admin", PortalAppFactory.AdminPassword);
        await SinkProgress.WaitForDeliveredAsync(client, "siem-hook", await SinkProgress.HeadAsync(factory.Services));

        receiver.Failing = true;
        // Backlog 0 → the first PATCH is allowed and adds its records; from then on the backlog (its two records) is over 1.
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsync("storageTargets/11", """{ "secretAccessKey": "allowed value", "accessKeyId": "allowed-key-id" }""")).StatusCode);
        var head = await SinkProgress.HeadAsync(factory.Services);
        var refused = await admin.PatchAsync("storageTargets/11", """{ "secretAccessKey": "refused value", "accessKeyId": "refused-key-id" }""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var problem = await ApiSession.JsonAsync(refused);
        Assert.Equal(AuditUnavailableException.Code, (string?)problem["code"]);
        Assert.Contains("siem-hook", (string?)problem["detail"]);
        Assert.Equal(head, await SinkProgress.HeadAsync(factory.Services));
        Assert.Equal("allowed-key-id", (string?)(await ApiSession.JsonAsync(await admin.GetAsync("storageTargets/11")))["accessKeyId"]);
        Assert.Equal("Healthy", (string?)(await SinkProgress.HealthAsync(client))["status"]); // reads and health still answer

        receiver.Failing = false;
        await SinkProgress.WaitForDeliveredAsync(client, "siem-hook", head, TimeSpan.FromSeconds(60));
        var verify = await admin.PostAsync("storageTargets/11/password/verify", """{ "property": "secretAccessKey", "value": "allowed value" }""");
        Assert.Equal("true", await verify.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sink_settings_that_cannot_work_stop_start_up_with_every_problem_named_and_no_key()
    {
        var result = await PortalProcess.RunAsync(new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Portal__DataDirectory"] = Path.Combine(Path.GetTempPath(), "credentialportal-tests", Guid.NewGuid().ToString("N")),
            ["Audit__Sinks__0__Type"] = "syslog", ["Audit__Sinks__0__Endpoint"] = "udp://127.0.0.1:514",
            ["Audit__Sinks__1__Type"] = "webhook", ["Audit__Sinks__1__Endpoint"] = "http://127.0.0.1:9/hook", ["Audit__Sinks__1__Key"] = "short-secret",
            ["Audit__Sinks__2__Type"] = "kafka",
        });
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Audit:Sinks:0:Endpoint must be tcp://host:port or tls://host:port", result.Error);
        Assert.Contains("Audit:Sinks:1:Endpoint must be an https:// address", result.Error);
        Assert.Contains("Audit:Sinks:1:Key", result.Error);
        Assert.Contains("Audit:Sinks:2:Type must be syslog or webhook", result.Error);
        Assert.DoesNotContain("short-secret", result.Output + result.Error);
        Assert.DoesNotContain("   at ", result.Error); // no stack trace
    }
}
