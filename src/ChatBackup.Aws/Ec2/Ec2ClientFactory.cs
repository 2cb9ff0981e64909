using System.Collections.Concurrent;
using Amazon;
using Amazon.EC2;
using Amazon.Runtime;

namespace ChatBackup.Aws.Ec2;

/// <summary>
/// One cached <see cref="IAmazonEC2"/> per region. Credentials come from the SDK's default chain
/// unless given; the endpoint comes from <c>AWS_ENDPOINT_URL_EC2</c> / <c>AWS_ENDPOINT_URL</c>
/// unless given, so an emulator such as moto can stand in for EC2.
/// </summary>
public sealed class Ec2ClientFactory : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IAmazonEC2>> _clients = new(StringComparer.Ordinal);
    private readonly string? _serviceUrl;
    private readonly AWSCredentials? _credentials;

    /// <param name="serviceUrl">Endpoint to call instead of EC2; null reads the standard endpoint variables.</param>
    /// <param name="credentials">Credentials to sign with; null uses the SDK's default chain.</param>
    public Ec2ClientFactory(string? serviceUrl = null, AWSCredentials? credentials = null)
    {
        _serviceUrl = serviceUrl ?? EndpointFromEnvironment(Environment.GetEnvironmentVariable);
        _credentials = credentials;
    }

    /// <summary>The endpoint override in effect, or null for the real EC2 endpoints.</summary>
    public string? ServiceUrl => _serviceUrl;

    public IAmazonEC2 GetClient(string region)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        return _clients.GetOrAdd(region, r => new Lazy<IAmazonEC2>(() => Create(r))).Value;
    }

    internal static AmazonEC2Config CreateConfig(string region, string? serviceUrl)
    {
        var config = new AmazonEC2Config
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 3,
            Timeout = TimeSpan.FromSeconds(30),
        };

        if (serviceUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        else
        {
            // With a custom endpoint the SDK would otherwise sign for its default region; emulators
            // (moto) keep one state per region and pick it from the signature.
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = region;
        }

        return config;
    }

    /// <summary>The EC2-specific variable wins over the general one, as in the SDK itself.</summary>
    internal static string? EndpointFromEnvironment(Func<string, string?> environment)
    {
        foreach (var variable in (string[])["AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL"])
        {
            var value = environment(variable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        return null;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }

        _clients.Clear();
    }

    private AmazonEC2Client Create(string region)
    {
        var config = CreateConfig(region, _serviceUrl);
        return _credentials is null ? new AmazonEC2Client(config) : new AmazonEC2Client(_credentials, config);
    }
}
