using ChatBackup.Core.Intents;
using Microsoft.Extensions.Options;

namespace ChatBackup.Aws.Ec2;

/// <summary>The <c>Aws</c> configuration section.</summary>
public sealed class AwsOptions
{
    public const string Section = "Aws";

    /// <summary>Region used when a command names none; when unset the SDK's region chain decides.</summary>
    public string? DefaultRegion { get; set; }

    /// <summary>Regions users may name; empty means any known region.</summary>
    public string[] AllowedRegions { get; set; } = [];

    public bool IsAllowed(string region) =>
        AwsRegions.IsKnown(region) && (AllowedRegions.Length == 0 || AllowedRegions.Contains(region, StringComparer.Ordinal));
}

internal sealed class AwsOptionsValidator : IValidateOptions<AwsOptions>
{
    public ValidateOptionsResult Validate(string? name, AwsOptions options)
    {
        var failures = new List<string>();

        for (var i = 0; i < options.AllowedRegions.Length; i++)
        {
            var region = options.AllowedRegions[i];
            if (!AwsRegions.IsKnown(region))
            {
                failures.Add($"{AwsOptions.Section}:{nameof(AwsOptions.AllowedRegions)}:{i} '{region}' is not a known AWS region");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.DefaultRegion))
        {
            var key = $"{AwsOptions.Section}:{nameof(AwsOptions.DefaultRegion)}";
            if (!AwsRegions.IsKnown(options.DefaultRegion))
            {
                failures.Add($"{key} '{options.DefaultRegion}' is not a known AWS region");
            }
            else if (!options.IsAllowed(options.DefaultRegion))
            {
                failures.Add($"{key} '{options.DefaultRegion}' is not one of {AwsOptions.Section}:{nameof(AwsOptions.AllowedRegions)} ({string.Join(", ", options.AllowedRegions)})");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
