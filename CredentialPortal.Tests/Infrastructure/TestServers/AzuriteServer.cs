namespace CredentialPortal.Tests.Infrastructure.TestServers;

/// <summary>
/// Microsoft's Azure Storage emulator (npm azurite, pinned in this folder's package.json and lock file, installed here
/// with npm ci on first use) serving blobs on a loopback port. It checks SharedKey signatures against its well-known
/// development account, so a wrong key is refused as Azure refuses it.
/// </summary>
public sealed class AzuriteServer : TestServerProcess
{
    public const string Account = "devstoreaccount1";
    /// <summary>Azurite's documented development key (public, not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public AzuriteServer() : base("azurite")
    {
        var node = Require("/usr/bin/node", "nodejs");
        var azurite = NpmTools.Package("azurite");
        Port = FreePort();
        Start(node, [Path.Combine(azurite, "dist", "src", "blob", "main.js"),
            "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--location", Directory, "--skipApiVersionCheck", "--loose"], [Port]);
    }

    public int Port { get; }
    /// <summary>The entity's <c>endpoint</c>: Azurite serves the account under a path.</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}/{Account}";
}

/// <summary>
/// moto's S3 server (Python moto 5, on the machine image) on a loopback port with authentication on: after the set-up
/// requests it verifies every request's AWS Signature V4 with the secret of an IAM access key it created, and refuses
/// unknown keys (InvalidAccessKeyId) and wrong secrets (SignatureDoesNotMatch). npm's s3rver 3.7.1 was not used: its
/// SigV4 check is unimplemented (it accepts any signature of a known key id).
/// </summary>
public sealed class MotoS3Server : TestServerProcess
{
    public const string Bucket = "recordings";
    public const string Region = "eu-central-1";

    // The machine image's own Python (pyenv) carries moto; Debian's python3-moto is the fallback .ci/run installs.
    private static readonly string[] PythonCandidates = ["/root/.pyenv/shims/python3", "/usr/bin/python3"];

    public MotoS3Server() : base("moto")
    {
        var python = PythonCandidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("python3 is missing: install the Debian package 'python3-moto' (.ci/run installs it).");
        Port = FreePort();
        // Four requests go unauthenticated: the bucket, the IAM user, its policy and its access key. Then auth is on.
        var environment = new Dictionary<string, string> { ["INITIAL_NO_AUTH_ACTION_COUNT"] = "4", ["AWS_DEFAULT_REGION"] = Region };
        Start(python, ["-c", "from moto.server import main; main()", "-H", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], [Port], environment);
        var keys = Run(python, ["-c", $$"""
            import boto3, json
            url = "http://127.0.0.1:{{Port}}"
            kw = dict(endpoint_url=url, region_name="{{Region}}", aws_access_key_id="setup", aws_secret_access_key="setup")
            boto3.client("s3", **kw).create_bucket(Bucket="{{Bucket}}", CreateBucketConfiguration={"LocationConstraint": "{{Region}}"})
            iam = boto3.client("iam", **kw)
            iam.create_user(UserName="recorder")
            iam.put_user_policy(UserName="recorder", PolicyName="s3", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
            key = iam.create_access_key(UserName="recorder")["AccessKey"]
            print(key["AccessKeyId"], key["SecretAccessKey"])
            """]).Trim().Split(' ');
        AccessKeyId = keys[0];
        SecretAccessKey = keys[1];
    }

    public int Port { get; }
    public string ServiceUrl => $"http://127.0.0.1:{Port}";
    public string AccessKeyId { get; }
    public string SecretAccessKey { get; }
}
