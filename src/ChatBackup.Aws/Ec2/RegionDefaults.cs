using Amazon.Runtime;
using Microsoft.Extensions.Options;

namespace ChatBackup.Aws.Ec2;

/// <summary>
/// Tells the region to use when a command names none: <c>Aws:DefaultRegion</c>, else the SDK's
/// region chain (<c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, profile, instance metadata), else null.
/// </summary>
public sealed class RegionDefaults
{
    private readonly Lazy<string?> _defaultRegion;

    public RegionDefaults(IOptions<AwsOptions> options)
        : this(options, Environment.GetEnvironmentVariable, SdkChain)
    {
    }

    internal RegionDefaults(IOptions<AwsOptions> options, Func<string, string?> environment, Func<string?> sdkChain) =>
        _defaultRegion = new(() => Resolve(options.Value, environment, sdkChain));

    /// <summary>The default region, or null when neither configuration nor the SDK chain names one.</summary>
    public string? DefaultRegion => _defaultRegion.Value;

    /// <summary>The default region; throws, naming <c>Aws:DefaultRegion</c>, when there is none (for start-up checks).</summary>
    public string RequireDefaultRegion() => DefaultRegion ?? throw new InvalidOperationException(
        $"No default AWS region: set {AwsOptions.Section}:{nameof(AwsOptions.DefaultRegion)} (environment Aws__DefaultRegion) or AWS_REGION");

    internal static string? Resolve(AwsOptions options, Func<string, string?> environment, Func<string?> sdkChain)
    {
        if (!string.IsNullOrWhiteSpace(options.DefaultRegion))
        {
            return options.DefaultRegion;
        }

        // The environment is read first so the common case never reaches the SDK chain, whose
        // last step asks the instance metadata service and can stall off EC2.
        foreach (var variable in (string[])["AWS_REGION", "AWS_DEFAULT_REGION"])
        {
            var value = environment(variable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        return sdkChain();
    }

    private static string? SdkChain()
    {
        try
        {
            return FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }
}
