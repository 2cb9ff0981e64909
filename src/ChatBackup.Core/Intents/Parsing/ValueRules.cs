using System.Globalization;
using System.Text.RegularExpressions;

using static ChatBackup.Core.Intents.Parsing.CommandSyntax;

namespace ChatBackup.Core.Intents.Parsing;

/// <summary>
/// Checks one value each and returns the problem sentence, or null when the value is fine. Limits
/// follow the EC2 API reference so a bad value is refused in chat rather than by EC2 minutes later.
/// </summary>
internal static partial class ValueRules
{
    public const int MaxDescriptionLength = 255;
    public const int MaxTagValueLength = 256;
    public const int MaxVolumeSizeGiB = 65536;

    public static string? Instance(string value)
    {
        if (value.Length > 0 && IsDash(value[0]))
        {
            return $"{Show(value)} is not an instance: a Name tag value cannot start with '-' (is it a misplaced option?).";
        }

        if (value.StartsWith("i-", StringComparison.OrdinalIgnoreCase))
        {
            if (ResourceIds.IsInstanceId(value))
            {
                return null;
            }

            // "I-web" is a plausible Name tag; "i-web" and "I-0ABC1234" are mistyped ids.
            var lower = value.ToLowerInvariant();
            if (ResourceIds.IsInstanceId(lower))
            {
                return $"{Show(value)} is not a valid instance id: EC2 ids are lowercase ({Show(lower)}).";
            }

            if (value.StartsWith("i-", StringComparison.Ordinal))
            {
                return $"{Show(value)} is not a valid instance id (i- followed by 8 or 17 hex digits).";
            }
        }

        return value.Length > MaxTagValueLength
            ? $"Instance name {Show(value)} is too long: a Name tag value has at most {MaxTagValueLength} characters."
            : null;
    }

    public static string? VolumeId(string value) =>
        Id(value, "volume id", "vol-", ResourceIds.IsVolumeId);

    public static string? ImageId(string value) =>
        Id(value, "AMI id", "ami-", ResourceIds.IsImageId);

    public static string? SnapshotId(string value) =>
        Id(value, "snapshot id", "snap-", ResourceIds.IsSnapshotId);

    public static string? OperationId(string value)
    {
        if (Operations.OperationId.IsValid(value))
        {
            return null;
        }

        var hint = Operations.OperationId.IsValid(value.ToLowerInvariant()) ? " Operation ids are lowercase." : string.Empty;
        return $"{Show(value)} is not a valid operation id (op- followed by 8 characters a-z or 2-7).{hint}";
    }

    /// <summary>EC2 image names: 3–128 characters of letters, digits, space and ( ) [ ] . / - ' @ _.</summary>
    public static string? AmiName(string value) =>
        AmiNamePattern().IsMatch(value)
            ? null
            : $"AMI name {Show(value)} is not valid: EC2 allows 3-128 characters, only letters, digits, spaces and ( ) [ ] . / - ' @ _.";

    public static string? Description(string value) =>
        value.Length <= MaxDescriptionLength
            ? null
            : $"The --description is {value.Length} characters long; EC2 allows at most {MaxDescriptionLength}.";

    /// <summary>A key id (GUID or multi-Region mrk-…), alias/…, or a KMS key or alias ARN; EC2 checks that it exists.</summary>
    public static string? KmsKey(string value) =>
        KmsKeyPattern().IsMatch(value)
            ? null
            : $"{Show(value)} is not a KMS key: use a key id, alias/<name> or an arn:aws:kms:… ARN.";

    /// <summary>
    /// Linux device names EC2 accepts for a data volume: /dev/sd[b-z] or /dev/xvd[b-z]. The root
    /// device (…a) is refused because attaching there would fail or shadow the root volume.
    /// </summary>
    public static string? Device(string value) =>
        DevicePattern().IsMatch(value)
            ? null
            : $"Device {Show(value)} is not valid: use /dev/sd[b-z] or /dev/xvd[b-z], for example /dev/sdf.";

    public static bool TryParseWholeNumber(string value, out int number) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number);

    private static string? Id(string value, string kind, string prefix, Func<string, bool> isValid)
    {
        if (isValid(value))
        {
            return null;
        }

        var hint = isValid(value.ToLowerInvariant()) ? " EC2 ids are lowercase." : string.Empty;
        return $"{Show(value)} is not a valid {kind} ({prefix} followed by 8 or 17 hex digits).{hint}";
    }

    [GeneratedRegex(@"^[A-Za-z0-9()\[\] ./\-'@_]{3,128}$")]
    private static partial Regex AmiNamePattern();

    [GeneratedRegex(
        @"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}" +
        @"|mrk-[0-9a-f]{32}" +
        @"|alias/[A-Za-z0-9/_-]{1,250}" +
        @"|arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(?:key/[A-Za-z0-9-]+|alias/[A-Za-z0-9/_-]+))$")]
    private static partial Regex KmsKeyPattern();

    [GeneratedRegex("^/dev/(?:sd|xvd)[b-z]$")]
    private static partial Regex DevicePattern();
}
