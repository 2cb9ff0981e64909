using System.Globalization;
using Amazon.EC2.Model;
using ChatBackup.Core.Ec2;
using CoreImageState = ChatBackup.Core.Ec2.ImageState;
using CoreSnapshotState = ChatBackup.Core.Ec2.SnapshotState;

namespace ChatBackup.Aws.Ec2;

/// <summary>SDK model → core model. SDK v4 leaves absent values null, lists included.</summary>
internal static class Ec2Mapping
{
    public static CoreImageState ParseImageState(string? value) => value switch
    {
        "pending" => CoreImageState.Pending,
        "available" => CoreImageState.Available,
        "invalid" => CoreImageState.Invalid,
        "deregistered" => CoreImageState.Deregistered,
        "transient" => CoreImageState.Transient,
        "failed" => CoreImageState.Failed,
        "error" => CoreImageState.Error,
        "disabled" => CoreImageState.Disabled,
        _ => CoreImageState.Unknown,
    };

    public static CoreSnapshotState ParseSnapshotState(string? value) => value switch
    {
        "pending" => CoreSnapshotState.Pending,
        "completed" => CoreSnapshotState.Completed,
        "error" => CoreSnapshotState.Error,
        "recoverable" => CoreSnapshotState.Recoverable,
        "recovering" => CoreSnapshotState.Recovering,
        _ => CoreSnapshotState.Unknown,
    };

    /// <summary><c>"45%"</c> → 45; empty or unreadable → null; clamped to 0–100.</summary>
    public static int? ParseProgress(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var digits = value.Trim().TrimEnd('%').Trim();
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var percent)
            ? Math.Clamp(percent, 0, 100)
            : null;
    }

    /// <summary>DescribeImages gives <c>creationDate</c> as an ISO 8601 string.</summary>
    public static DateTimeOffset? ParseCreationDate(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : null;

    public static IReadOnlyDictionary<string, string> ToDictionary(List<Tag>? tags)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags ?? [])
        {
            if (tag.Key is not null)
            {
                result[tag.Key] = tag.Value ?? string.Empty;
            }
        }

        return result;
    }

    public static List<Tag> ToTags(IReadOnlyDictionary<string, string> tags) =>
        [.. tags.Select(t => new Tag(t.Key, t.Value))];

    public static Ec2Instance ToInstance(Instance instance)
    {
        var tags = ToDictionary(instance.Tags);
        return new Ec2Instance(
            instance.InstanceId,
            tags.GetValueOrDefault(BackupTags.Name),
            instance.State?.Name?.Value ?? "unknown",
            instance.Placement?.AvailabilityZone,
            tags);
    }

    public static Ec2Image ToImage(Image image)
    {
        var reason = image.StateReason is { } r && (r.Code is not null || r.Message is not null)
            ? new Ec2StateReason(r.Code, r.Message)
            : null;
        var snapshotIds = (image.BlockDeviceMappings ?? [])
            .Select(m => m.Ebs?.SnapshotId)
            .OfType<string>()
            .Where(id => id.Length > 0)
            .ToList();
        return new Ec2Image(
            image.ImageId,
            image.Name ?? string.Empty,
            ParseImageState(image.State?.Value),
            ParseCreationDate(image.CreationDate),
            reason,
            snapshotIds,
            ToDictionary(image.Tags),
            string.IsNullOrEmpty(image.Description) ? null : image.Description,
            string.IsNullOrEmpty(image.SourceInstanceId) ? null : image.SourceInstanceId);
    }

    public static Ec2Snapshot ToSnapshot(Snapshot snapshot) => new(
        snapshot.SnapshotId,
        string.IsNullOrEmpty(snapshot.VolumeId) ? null : snapshot.VolumeId,
        ParseSnapshotState(snapshot.State?.Value),
        ParseProgress(snapshot.Progress),
        snapshot.VolumeSize ?? 0,
        ToUtc(snapshot.StartTime),
        string.IsNullOrEmpty(snapshot.Description) ? null : snapshot.Description,
        snapshot.Encrypted ?? false,
        ToDictionary(snapshot.Tags),
        string.IsNullOrEmpty(snapshot.StateMessage) ? null : snapshot.StateMessage);

    // SDK v4 returns UTC; an unspecified kind is read as UTC too, never as local time.
    public static DateTimeOffset? ToUtc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Unspecified } v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)),
        { } v => new DateTimeOffset(v.ToUniversalTime()),
    };

    public static Ec2Volume ToVolume(Volume volume) => new(
        volume.VolumeId,
        volume.Size ?? 0,
        volume.State?.Value ?? "unknown",
        volume.AvailabilityZone,
        volume.VolumeType?.Value,
        ToDictionary(volume.Tags),
        [.. (volume.Attachments ?? []).Select(a => new Ec2VolumeAttachment(a.InstanceId ?? string.Empty, a.Device ?? string.Empty, a.State?.Value ?? "unknown"))]);
}
