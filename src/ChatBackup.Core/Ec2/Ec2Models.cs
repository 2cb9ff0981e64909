namespace ChatBackup.Core.Ec2;

/// <summary>EC2 image states (DescribeImages <c>imageState</c>).</summary>
public enum ImageState
{
    Pending,
    Available,
    Invalid,
    Deregistered,
    Transient,
    Failed,
    Error,
    Disabled,
    Unknown,
}

/// <summary>EBS snapshot states (DescribeSnapshots <c>status</c>).</summary>
public enum SnapshotState
{
    Pending,
    Completed,
    Error,
    Recoverable,
    Recovering,
    Unknown,
}

public sealed record Ec2StateReason(string? Code, string? Message);

/// <param name="DeviceNames">Device names in use by the instance's block device mappings (root and attached volumes).</param>
public sealed record Ec2Instance(
    string Id,
    string? Name,
    string State,
    string? AvailabilityZone,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string>? DeviceNames = null)
{
    public IReadOnlyList<string> Devices => DeviceNames ?? [];
}

public sealed record Ec2Image(
    string Id,
    string Name,
    ImageState State,
    DateTimeOffset? CreatedAt,
    Ec2StateReason? StateReason,
    IReadOnlyList<string> SnapshotIds,
    IReadOnlyDictionary<string, string> Tags,
    string? Description = null,
    string? SourceInstanceId = null);

public sealed record Ec2Snapshot(
    string Id,
    string? VolumeId,
    SnapshotState State,
    int? ProgressPercent,
    int SizeGiB,
    DateTimeOffset? StartedAt,
    string? Description,
    bool Encrypted,
    IReadOnlyDictionary<string, string> Tags,
    string? StateMessage = null);

public sealed record Ec2Volume(
    string Id,
    int SizeGiB,
    string State,
    string? AvailabilityZone,
    string? VolumeType,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<Ec2VolumeAttachment> Attachments);

public sealed record Ec2VolumeAttachment(string InstanceId, string Device, string State);

/// <summary>CreateImage input. <see cref="Tags"/> go on the image and (where EC2 allows) its snapshots.</summary>
public sealed record CreateImageRequest(
    string InstanceId,
    string Name,
    string? Description,
    bool NoReboot,
    IReadOnlyDictionary<string, string> Tags);

public sealed record CreateSnapshotRequest(
    string VolumeId,
    string? Description,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>A DescribeImages query: owned by this account, filtered by ids, tags, source instance and/or a snapshot it uses.</summary>
/// <param name="SnapshotId">Images whose block device mappings use this snapshot (filter <c>block-device-mapping.snapshot-id</c>).</param>
public sealed record ImageQuery(
    IReadOnlyList<string>? ImageIds = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    string? SourceInstanceId = null,
    int? MaxResults = null,
    string? SnapshotId = null);

/// <summary>A DescribeSnapshots query: owned by this account, filtered by ids, volume and/or tags.</summary>
public sealed record SnapshotQuery(
    IReadOnlyList<string>? SnapshotIds = null,
    string? VolumeId = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    int? MaxResults = null);

/// <summary>CopyImage input; the call is made in the destination region.</summary>
/// <param name="ClientToken">Idempotency token: the same token never copies twice.</param>
public sealed record CopyImageRequest(
    string SourceRegion,
    string SourceImageId,
    string Name,
    string? Description,
    bool Encrypted,
    string? KmsKeyId,
    string ClientToken,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>CreateVolume input (from a snapshot, in the target instance's Availability Zone).</summary>
public sealed record CreateVolumeRequest(
    string AvailabilityZone,
    string SnapshotId,
    int? SizeGiB,
    string? VolumeType,
    int? Iops,
    int? ThroughputMiBps,
    string ClientToken,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>The answer to a <c>DryRun</c> call: permitted (<c>DryRunOperation</c>) or not, with EC2's code and message.</summary>
public sealed record DryRunResult(bool Permitted, string Code, string Message);

/// <summary>What DeregisterImage did with each of the image's snapshots (when asked to delete them).</summary>
public sealed record DeregisterResult(IReadOnlyList<SnapshotDeletion> Snapshots);

public sealed record SnapshotDeletion(string SnapshotId, bool Deleted, string? Code);
