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

    /// <summary>Starts CreateImage and returns the new image id.</summary>
    Task<string> CreateImageAsync(string region, CreateImageRequest request, CancellationToken cancellationToken);

    Task<IReadOnlyList<Ec2Image>> DescribeImagesAsync(string region, ImageQuery query, CancellationToken cancellationToken);

    /// <summary>Starts CreateSnapshot and returns the new snapshot id.</summary>
    Task<string> CreateSnapshotAsync(string region, CreateSnapshotRequest request, CancellationToken cancellationToken);

    Task<IReadOnlyList<Ec2Snapshot>> DescribeSnapshotsAsync(string region, SnapshotQuery query, CancellationToken cancellationToken);

    /// <summary>Adds or overwrites tags on existing resources.</summary>
    Task TagAsync(string region, IReadOnlyList<string> resourceIds, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);
}
