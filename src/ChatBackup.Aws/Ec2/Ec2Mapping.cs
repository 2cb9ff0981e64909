using System.Globalization;
using Amazon.EC2;
using Amazon.EC2.Model;
using ChatBackup.Core.Ec2;
using CoreImageState = ChatBackup.Core.Ec2.ImageState;
using CoreSnapshotState = ChatBackup.Core.Ec2.SnapshotState;

namespace ChatBackup.Aws.Ec2;

/// <summary>SDK model → core model. SDK v4 leaves absent values null, lists included.</summary>
internal static class Ec2Mapping
{
    /// <summary>The error a permitted <c>DryRun</c> call answers with.</summary>
    public const string DryRunOperationCode = "DryRunOperation";

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
            tags,
            DeviceNames(instance));
    }

    /// <summary>The root device and every mapped device, each once: what a new attachment must not reuse.</summary>
    public static IReadOnlyList<string> DeviceNames(Instance instance) =>
        [.. new[] { instance.RootDeviceName }
            .Concat((instance.BlockDeviceMappings ?? []).Select(m => m.DeviceName))
            .OfType<string>()
            .Where(name => name.Length > 0)
            .Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// What a <c>DryRun</c> call's error means. EC2 checks permission first: <c>DryRunOperation</c>
    /// is "permitted"; an Unauthorized kind is "refused". Any other EC2 error (a placeholder volume
    /// that is <c>InvalidVolume.NotFound</c>, <c>IncorrectState</c>, …) came after the permission
    /// check passed, so it counts as "not refused for permission". Throttling and transient faults
    /// say nothing either way: null, and the caller throws them like any failed call.
    /// </summary>
    public static DryRunResult? ToDryRunResult(Ec2Exception error) => error switch
    {
        { Code: DryRunOperationCode } => new DryRunResult(true, error.Code, error.Message),
        { Kind: Ec2FaultKind.Unauthorized } => new DryRunResult(false, error.Code, error.Message),
        { Kind: Ec2FaultKind.Throttled or Ec2FaultKind.Transient } => null,
        _ => new DryRunResult(true, error.Code, error.Message),
    };

    /// <summary>
    /// Per-snapshot outcome of DeregisterImage with <c>DeleteAssociatedSnapshots</c>; EC2's return
    /// codes are success, skipped, missing-permissions, internal-error, client-error. Empty when the
    /// service lists none (moto), so callers confirm with DescribeSnapshots.
    /// </summary>
    public static DeregisterResult ToDeregisterResult(List<DeleteSnapshotReturnCode>? results) =>
        new([.. (results ?? [])
            .Where(r => !string.IsNullOrEmpty(r.SnapshotId))
            .Select(r =>
            {
                var code = r.ReturnCode?.Value;
                var deleted = code == SnapshotReturnCodes.Success.Value;
                return new SnapshotDeletion(r.SnapshotId, deleted, deleted ? null : code ?? "unknown");
            })]);

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
