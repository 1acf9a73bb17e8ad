using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.AuditSinks;

/// <summary>A test portal's <c>Audit:Sinks:N:…</c> settings, one sink a call, numbered in the order they are added.</summary>
public sealed class SinkSettings : Dictionary<string, string?>
{
    private int sinks;

    public SinkSettings Sink(string name, string type, string endpoint, params (string Key, string? Value)[] more)
    {
        var prefix = $"Audit:Sinks:{sinks++}:";
        this[prefix + "Name"] = name;
        this[prefix + "Type"] = type;
        this[prefix + "Endpoint"] = endpoint;
        foreach (var (key, value) in more) this[prefix + key] = value;
        return this;
    }

    public SinkSettings Syslog(string name, string endpoint, params (string Key, string? Value)[] more) => Sink(name, "syslog", endpoint, more);

    /// <summary>A webhook at <paramref name="receiver"/> signed with its key, trusting <paramref name="caFile"/> (by default the receiver's own CA).</summary>
    public SinkSettings Webhook(string name, WebhookReceiver receiver, string? caFile = null) =>
        Sink(name, "webhook", receiver.Endpoint, ("CaFile", caFile ?? receiver.CaFile), ("Key", receiver.Key));
}
