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

public sealed record Ec2Instance(
    string Id,
    string? Name,
    string State,
    string? AvailabilityZone,
    IReadOnlyDictionary<string, string> Tags);

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

/// <summary>A DescribeImages query: owned by this account, filtered by ids and/or tags.</summary>
public sealed record ImageQuery(
    IReadOnlyList<string>? ImageIds = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    string? SourceInstanceId = null,
    int? MaxResults = null);

/// <summary>A DescribeSnapshots query: owned by this account, filtered by ids, volume and/or tags.</summary>
public sealed record SnapshotQuery(
    IReadOnlyList<string>? SnapshotIds = null,
    string? VolumeId = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    int? MaxResults = null);
