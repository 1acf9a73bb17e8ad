namespace CredentialPortal.Domain.Connectors;

/// <summary>Where recordings are imported from (resource <c>importSources</c>, integer ids).</summary>
public abstract class ImportSource
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
}

public sealed class ZoomPhonesImportSource : ImportSource
{
    public const string TypeName = "zoom_phones";
    public string AuthType { get; set; } = "oauth";
    public string ApiKey { get; set; } = "";
    public string ApiAddress { get; set; } = "https://api.zoom.us/v2/";
    public string? ForwardProxyAddress { get; set; }
    public int? ForwardProxyPort { get; set; }
    public string? ForwardProxyUser { get; set; }
}

public sealed class RingCentralImportSource : ImportSource
{
    public const string TypeName = "ringcentral";
    public string ClientId { get; set; } = "";
    public string ServerUrl { get; set; } = "https://platform.ringcentral.com";
}

public sealed class WebexImportSource : ImportSource
{
    public const string TypeName = "webex";
    public string ClientId { get; set; } = "";
}
