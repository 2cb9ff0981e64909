using System.Text.RegularExpressions;

namespace ChatBackup.Core.Intents;

/// <summary>EC2 id formats: a prefix and 8 or 17 lowercase hex digits.</summary>
public static partial class ResourceIds
{
    public static bool IsInstanceId(string value) => InstanceId().IsMatch(value);

    public static bool IsImageId(string value) => ImageId().IsMatch(value);

    public static bool IsSnapshotId(string value) => SnapshotId().IsMatch(value);

    public static bool IsVolumeId(string value) => VolumeId().IsMatch(value);

    [GeneratedRegex("^i-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex InstanceId();

    [GeneratedRegex("^ami-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex ImageId();

    [GeneratedRegex("^snap-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex SnapshotId();

    [GeneratedRegex("^vol-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex VolumeId();
}
