namespace ChatBackup.Core.Ec2;

/// <summary>
/// Everything the bot asks of EC2. The AWS implementation is the only code that touches the SDK;
/// failures surface as <see cref="Ec2Exception"/> carrying EC2's error code.
/// </summary>
public interface IEc2Gateway
{
    /// <summary>Instances matching an id, or whose <c>Name</c> tag equals <paramref name="nameOrId"/> exactly.</summary>
    Task<IReadOnlyList<Ec2Instance>> FindInstancesAsync(string region, string nameOrId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Ec2Volume>> DescribeVolumesAsync(string region, IReadOnlyList<string> volumeIds, CancellationToken cancellationToken);

    /// <summary>Volumes carrying all of <paramref name="tags"/> (used to find a volume an earlier attempt created).</summary>
    Task<IReadOnlyList<Ec2Volume>> FindVolumesByTagsAsync(string region, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    /// <summary>Starts CreateImage and returns the new image id.</summary>
    Task<string> CreateImageAsync(string region, CreateImageRequest request, CancellationToken cancellationToken);

    Task<IReadOnlyList<Ec2Image>> DescribeImagesAsync(string region, ImageQuery query, CancellationToken cancellationToken);

    /// <summary>Starts CreateSnapshot and returns the new snapshot id.</summary>
    Task<string> CreateSnapshotAsync(string region, CreateSnapshotRequest request, CancellationToken cancellationToken);

    Task<IReadOnlyList<Ec2Snapshot>> DescribeSnapshotsAsync(string region, SnapshotQuery query, CancellationToken cancellationToken);

    /// <summary>Starts CopyImage in <paramref name="destinationRegion"/> and returns the new image id there.</summary>
    Task<string> CopyImageAsync(string destinationRegion, CopyImageRequest request, CancellationToken cancellationToken);

    /// <summary>Starts CreateVolume and returns the new volume id.</summary>
    Task<string> CreateVolumeAsync(string region, CreateVolumeRequest request, CancellationToken cancellationToken);

    /// <summary>CreateVolume with <c>DryRun</c>: would the bot be allowed to do it?</summary>
    Task<DryRunResult> DryRunCreateVolumeAsync(string region, CreateVolumeRequest request, CancellationToken cancellationToken);

    /// <summary>Starts AttachVolume.</summary>
    Task AttachVolumeAsync(string region, string volumeId, string instanceId, string device, CancellationToken cancellationToken);

    /// <summary>
    /// AttachVolume with <c>DryRun</c>. EC2 checks permission on the named volume, so before a volume exists
    /// the caller may pass any volume of the region; only the permission answer is meaningful.
    /// </summary>
    Task<DryRunResult> DryRunAttachVolumeAsync(string region, string volumeId, string instanceId, string device, CancellationToken cancellationToken);

    /// <summary>DeregisterImage, deleting its snapshots too unless <paramref name="keepSnapshots"/>.</summary>
    Task<DeregisterResult> DeregisterImageAsync(string region, string imageId, bool keepSnapshots, CancellationToken cancellationToken);

    /// <summary>DeregisterImage with <c>DryRun</c>.</summary>
    Task<DryRunResult> DryRunDeregisterImageAsync(string region, string imageId, CancellationToken cancellationToken);

    Task DeleteSnapshotAsync(string region, string snapshotId, CancellationToken cancellationToken);

    /// <summary>DeleteSnapshot with <c>DryRun</c>.</summary>
    Task<DryRunResult> DryRunDeleteSnapshotAsync(string region, string snapshotId, CancellationToken cancellationToken);

    /// <summary>Adds or overwrites tags on existing resources.</summary>
    Task TagAsync(string region, IReadOnlyList<string> resourceIds, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);
}
