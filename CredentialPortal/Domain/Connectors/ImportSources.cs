using System.ComponentModel.DataAnnotations;
using CredentialPortal.Domain.Catalog;
using FluentValidation;

namespace CredentialPortal.Domain.Connectors;

/// <summary>Where recordings are imported from (resource <c>importSources</c>, integer ids).</summary>
public abstract class ImportSource : CredentialEntity
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public override string Key => Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

[EntityType("zoom_phones", "Zoom Phone")]
[Secret("apiSecret", "API secret")]
[Secret("forwardProxyPassword", "Forward proxy password")]
public sealed class ZoomPhonesImportSource : ImportSource
{
    [Display(Name = "Authentication type"), AllowedValues("jwt", "oauth")]
    public string AuthType { get; set; } = "oauth";

    [Updatable, Display(Name = "API key", Description = "The Zoom app's API key (JWT) or client id (OAuth).")]
    public string ApiKey { get; set; } = "";

    [Display(Name = "API address")]
    public string ApiAddress { get; set; } = "https://api.zoom.us/v2/";

    [Updatable, Display(Name = "Forward proxy address", Description = "Host name of the outbound proxy; empty when none is used.")]
    public string? ForwardProxyAddress { get; set; }

    [Updatable, Display(Name = "Forward proxy port")]
    public int? ForwardProxyPort { get; set; }

    [Updatable, Display(Name = "Forward proxy user")]
    public string? ForwardProxyUser { get; set; }
}

public sealed class ZoomPhonesImportSourceValidator : EntityValidator<ZoomPhonesImportSource>
{
    public ZoomPhonesImportSourceValidator()
    {
        RuleFor(x => x.Name).Name();
        RuleFor(x => x.ApiKey).Identifier();
        RuleFor(x => x.ApiAddress).AbsoluteUrl();
        RuleFor(x => x.ForwardProxyAddress).OptionalText();
        RuleFor(x => x.ForwardProxyPort).Port();
        RuleFor(x => x.ForwardProxyUser).OptionalText();
    }
}

[EntityType("ringcentral", "RingCentral")]
[Secret("clientSecret", "Client secret")]
[Secret("jwtToken", "JWT token")]
public sealed class RingCentralImportSource : ImportSource
{
    [Updatable, Display(Name = "Client id", Description = "The RingCentral app's client id.")]
    public string ClientId { get; set; } = "";

    [Display(Name = "Server URL")]
    public string ServerUrl { get; set; } = "https://platform.ringcentral.com";
}

public sealed class RingCentralImportSourceValidator : EntityValidator<RingCentralImportSource>
{
    public RingCentralImportSourceValidator()
    {
        RuleFor(x => x.Name).Name();
        RuleFor(x => x.ClientId).Identifier();
        RuleFor(x => x.ServerUrl).AbsoluteUrl();
    }
}

[EntityType("webex", "Webex Calling")]
[Secret("clientSecret", "Client secret")]
[Secret("refreshToken", "Refresh token")]
public sealed class WebexImportSource : ImportSource
{
    [Updatable, Display(Name = "Client id", Description = "The Webex integration's client id.")]
    public string ClientId { get; set; } = "";

    [Updatable, OmittedWhenNull, Display(Name = "API address", Description = "Where tokens are refreshed; empty for https://webexapis.com.")]
    public string? ApiAddress { get; set; }
}

public sealed class WebexImportSourceValidator : EntityValidator<WebexImportSource>
{
    public WebexImportSourceValidator()
    {
        RuleFor(x => x.Name).Name();
        RuleFor(x => x.ClientId).Identifier();
        RuleFor(x => x.ApiAddress!).AbsoluteUrl().When(x => x.ApiAddress is not null);
    }
}
