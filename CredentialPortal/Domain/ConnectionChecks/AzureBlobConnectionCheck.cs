using Azure;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Connectors;

namespace CredentialPortal.Domain.ConnectionChecks;

/// <summary><c>azure_blob</c>: the properties of <c>container</c>, signed with <c>accountName</c>/<c>accountKey</c> (SharedKey).</summary>
public sealed class AzureBlobConnectionCheck : IConnectionCheck
{
    public string TypeName => "azure_blob";

    public string Describe(CredentialEntity entity) => Endpoint((AzureBlobStorageTarget)entity).ToString();

    private static Uri Endpoint(AzureBlobStorageTarget blob) =>
        new((blob.Endpoint is { Length: > 0 } endpoint ? endpoint : $"https://{blob.AccountName}.blob.core.windows.net").TrimEnd('/') + "/");

    public async Task<ConnectionVerdict> CheckAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var blob = (AzureBlobStorageTarget)target.Entity;
        if (target.Secret("accountKey") is not { } key) return ConnectionVerdict.Misconfigured("No account key is stored.");
        StorageSharedKeyCredential credential;
        try
        {
            credential = new StorageSharedKeyCredential(blob.AccountName, key);
        }
        catch (FormatException)
        {
            return ConnectionVerdict.Misconfigured("The stored account key is not base64, so it cannot be an Azure account key.");
        }
        var endpoint = Endpoint(blob);
        if (await NetworkProbe.ConnectAsync(endpoint.Host, endpoint.Port, target.Timeout, cancellationToken) is { } unreachable) return unreachable;

        string? tls = null;
        using var http = new HttpClient(target.Trust.CreateHandler(target.Timeout, reason => tls = reason)) { Timeout = Timeout.InfiniteTimeSpan };
        var options = new BlobClientOptions { Transport = new HttpClientTransport(http) };
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = target.Timeout;
        var container = new BlobContainerClient(new Uri(endpoint, Uri.EscapeDataString(blob.Container)), credential, options);
        try
        {
            await container.GetPropertiesAsync(cancellationToken: cancellationToken);
            return ConnectionVerdict.Ok($"Signed in to account '{blob.AccountName}' and found the container '{blob.Container}'.");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return ConnectionVerdict.Misconfigured($"Account '{blob.AccountName}' accepted the key, but the container '{blob.Container}' does not exist.");
        }
        catch (RequestFailedException e) when (e.Status is 401 or 403)
        {
            return ConnectionVerdict.Rejected($"The storage service refused the account key for '{blob.AccountName}' ({e.ErrorCode ?? e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        }
        catch (RequestFailedException e) when (e.Status == 0)
        {
            return ConnectionVerdict.Unreachable(tls is not null ? $"TLS: {tls} ({endpoint.Host})." : $"HTTP: the request to {endpoint.Host} failed.");
        }
        catch (RequestFailedException e)
        {
            return ConnectionVerdict.Unreachable($"The storage service answered HTTP {e.Status} ({e.ErrorCode}).");
        }
        catch (AggregateException) when (tls is not null)
        {
            return ConnectionVerdict.Unreachable($"TLS: {tls} ({endpoint.Host}).");
        }
    }
}
