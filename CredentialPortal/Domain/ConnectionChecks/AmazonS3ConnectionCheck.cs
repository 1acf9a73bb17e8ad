using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Connectors;

namespace CredentialPortal.Domain.ConnectionChecks;

/// <summary><c>amazon_s3</c>: a SigV4-signed HEAD of <c>bucket</c> with <c>accessKeyId</c>/<c>secretAccessKey</c> in <c>region</c>.</summary>
public sealed class AmazonS3ConnectionCheck : IConnectionCheck
{
    public string TypeName => "amazon_s3";

    public string Describe(CredentialEntity entity)
    {
        var s3 = (AmazonS3StorageTarget)entity;
        return s3.ServiceUrl is { Length: > 0 } url ? url : $"https://s3.{s3.Region}.amazonaws.com";
    }

    public async Task<ConnectionVerdict> CheckAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var s3 = (AmazonS3StorageTarget)target.Entity;
        if (target.Secret("secretAccessKey") is not { } secret) return ConnectionVerdict.Misconfigured("No secret access key is stored.");
        var url = new Uri(Describe(s3));
        if (await NetworkProbe.ConnectAsync(url.Host, url.Port, target.Timeout, cancellationToken) is { } unreachable) return unreachable;

        string? tls = null;
        var config = new AmazonS3Config
        {
            MaxErrorRetry = 0,
            Timeout = target.Timeout,
            HttpClientFactory = new TrustingHttpClientFactory(target, reason => tls = reason),
        };
        if (s3.ServiceUrl is { Length: > 0 } serviceUrl)
        {
            config.ServiceURL = serviceUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = s3.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(s3.Region);
        }
        using var client = new AmazonS3Client(new BasicAWSCredentials(s3.AccessKeyId, secret), config);
        try
        {
            await client.HeadBucketAsync(new HeadBucketRequest { BucketName = s3.Bucket }, cancellationToken);
            return ConnectionVerdict.Ok($"Signed in with access key '{s3.AccessKeyId}' and found the bucket '{s3.Bucket}'.");
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return ConnectionVerdict.Misconfigured($"The key '{s3.AccessKeyId}' was accepted, but the bucket '{s3.Bucket}' does not exist.");
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            return ConnectionVerdict.Rejected($"The storage service refused the access key '{s3.AccessKeyId}' or its secret ({e.ErrorCode ?? "HTTP " + (int)e.StatusCode}).");
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.MovedPermanently)
        {
            return ConnectionVerdict.Misconfigured($"The bucket '{s3.Bucket}' is not in the region '{s3.Region}'.");
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
        {
            return ConnectionVerdict.Unreachable(tls is not null ? $"TLS: {tls} ({url.Host})." : $"HTTP: the request to {url.Host} failed ({e.GetType().Name}).");
        }
    }

    /// <summary>The SDK's HTTP client with the checks' certificate trust.</summary>
    private sealed class TrustingHttpClientFactory(ConnectionTarget target, Action<string> refused) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(target.Trust.CreateHandler(target.Timeout, refused)) { Timeout = target.Timeout };

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;
        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
    }
}
