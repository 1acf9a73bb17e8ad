using System.Text.Json.Nodes;
using CredentialPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.AuditSinks;

/// <summary>Reading the sinks' state the way an operator does: from /healthz.</summary>
public static class SinkProgress
{
    public static async Task<JsonObject> HealthAsync(HttpClient client)
    {
        var response = await client.GetAsync("/healthz");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    public static JsonObject Sink(JsonObject health, string name) =>
        health["auditSinks"]!.AsArray().Single(s => (string)s!["name"]! == name)!.AsObject();

    /// <summary>Waits until /healthz says <paramref name="name"/> has delivered through <paramref name="sequence"/>.</summary>
    public static async Task<JsonObject> WaitForDeliveredAsync(HttpClient client, string name, long sequence, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var sink = Sink(await HealthAsync(client), name);
            if ((long)sink["lastDeliveredSeq"]! >= sequence) return sink;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"sink {name} did not reach record {sequence}: {sink.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            await Task.Delay(100);
        }
    }

    public static async Task<long> HeadAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return await db.AuditRecords.MaxAsync(r => r.Sequence);
    }

    public static async Task<List<CredentialPortal.Domain.Audit.AuditRecord>> RecordsAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return await db.AuditRecords.AsNoTracking().OrderBy(r => r.Sequence).ToListAsync();
    }
}
