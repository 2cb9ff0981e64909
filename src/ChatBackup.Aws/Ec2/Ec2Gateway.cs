using Amazon.EC2;
using Amazon.EC2.Model;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Intents;
using Microsoft.Extensions.Logging;
using CreateImageRequest = ChatBackup.Core.Ec2.CreateImageRequest;
using CreateSnapshotRequest = ChatBackup.Core.Ec2.CreateSnapshotRequest;

namespace ChatBackup.Aws.Ec2;

/// <summary>
/// <see cref="IEc2Gateway"/> over AWSSDK.EC2 v4.
/// API reference: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/
/// </summary>
public sealed class Ec2Gateway(Ec2ClientFactory clients, ILogger<Ec2Gateway> logger) : IEc2Gateway
{
    private static readonly List<string> Self = ["self"];

    // Instances on their way out still answer DescribeInstances for a while; a name must not resolve to them.
    private static readonly List<string> LiveInstanceStates = ["pending", "running", "stopping", "stopped"];

    // DescribeSnapshots/DescribeInstances accept 5–1000 per page, DescribeImages 6–1000.
    private const int MaxPageSize = 1000;

    public Task<IReadOnlyList<Ec2Instance>> FindInstancesAsync(string region, string nameOrId, CancellationToken cancellationToken) =>
        CallAsync(region, "DescribeInstances", async ec2 =>
        {
            var request = new DescribeInstancesRequest();
            if (ResourceIds.IsInstanceId(nameOrId))
            {
                request.InstanceIds = [nameOrId];
            }
            else
            {
                request.Filters =
                [
                    new Filter($"tag:{BackupTags.Name}", [nameOrId]),
                    new Filter("instance-state-name", LiveInstanceStates),
                ];
            }

            var found = new List<Ec2Instance>();
            do
            {
                DescribeInstancesResponse response;
                try
                {
                    response = await ec2.DescribeInstancesAsync(request, cancellationToken);
                }
                catch (AmazonEC2Exception e) when (request.InstanceIds is not null && e.ErrorCode == "InvalidInstanceID.NotFound")
                {
                    return (IReadOnlyList<Ec2Instance>)[];
                }

                found.AddRange((response.Reservations ?? [])
                    .SelectMany(r => r.Instances ?? [])
                    .Select(Ec2Mapping.ToInstance));
                request.NextToken = response.NextToken;
            }
            while (!string.IsNullOrEmpty(request.NextToken));

            return found;
        }, cancellationToken);

    public Task<IReadOnlyList<Ec2Volume>> DescribeVolumesAsync(string region, IReadOnlyList<string> volumeIds, CancellationToken cancellationToken)
    {
        if (volumeIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<Ec2Volume>>([]);
        }

        return CallAsync(region, "DescribeVolumes", async ec2 =>
        {
            var response = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [.. volumeIds] }, cancellationToken);
            return (IReadOnlyList<Ec2Volume>)[.. (response.Volumes ?? []).Select(Ec2Mapping.ToVolume)];
        }, cancellationToken);
    }

    /// <remarks>
    /// Tags go on the image only. Real EC2 could tag the AMI's snapshots in the same call, but
    /// moto 5.2.1 answers HTTP 500 to a snapshot TagSpecification, and one code path for both is
    /// worth more: the caller tags the snapshots with <see cref="TagAsync"/> once
    /// <see cref="DescribeImagesAsync"/> shows their ids.
    /// </remarks>
    public Task<string> CreateImageAsync(string region, CreateImageRequest request, CancellationToken cancellationToken) =>
        CallAsync(region, "CreateImage", async ec2 =>
        {
            var sdkRequest = new Amazon.EC2.Model.CreateImageRequest
            {
                InstanceId = request.InstanceId,
                Name = request.Name,
                Description = request.Description,
                NoReboot = request.NoReboot,
            };
            if (request.Tags.Count > 0)
            {
                sdkRequest.TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Image, Tags = Ec2Mapping.ToTags(request.Tags) }];
            }

            var response = await ec2.CreateImageAsync(sdkRequest, cancellationToken);
            return response.ImageId;
        }, cancellationToken);

    /// <remarks>
    /// EC2 cannot filter images by source instance, so <see cref="ImageQuery.SourceInstanceId"/>
    /// is the <c>chatbackup:source</c> tag we put on every image we create; images made outside
    /// the bot are not found that way (moto reports no source instance at all).
    /// </remarks>
    public Task<IReadOnlyList<Ec2Image>> DescribeImagesAsync(string region, ImageQuery query, CancellationToken cancellationToken) =>
        CallAsync(region, "DescribeImages", async ec2 =>
        {
            var tags = new Dictionary<string, string>(query.Tags ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            if (query.SourceInstanceId is not null)
            {
                tags[BackupTags.Source] = query.SourceInstanceId;
            }

            var request = new DescribeImagesRequest { Owners = Self, Filters = NullIfEmpty(TagFilters(tags)) };
            var hasIds = query.ImageIds is { Count: > 0 };
            if (hasIds)
            {
                request.ImageIds = [.. query.ImageIds!];
            }
            else if (query.MaxResults is { } max)
            {
                // MaxResults may not be combined with ImageIds.
                request.MaxResults = Math.Clamp(max, 6, MaxPageSize);
            }

            var found = new List<Ec2Image>();
            do
            {
                var response = await ec2.DescribeImagesAsync(request, cancellationToken);
                found.AddRange((response.Images ?? []).Select(Ec2Mapping.ToImage));
                request.NextToken = hasIds ? null : response.NextToken;
            }
            while (!string.IsNullOrEmpty(request.NextToken) && !Reached(found.Count, query.MaxResults));

            return Limit(found, query.MaxResults);
        }, cancellationToken);

    public Task<string> CreateSnapshotAsync(string region, CreateSnapshotRequest request, CancellationToken cancellationToken) =>
        CallAsync(region, "CreateSnapshot", async ec2 =>
        {
            var sdkRequest = new Amazon.EC2.Model.CreateSnapshotRequest
            {
                VolumeId = request.VolumeId,
                Description = request.Description,
            };
            if (request.Tags.Count > 0)
            {
                sdkRequest.TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = Ec2Mapping.ToTags(request.Tags) }];
            }

            var response = await ec2.CreateSnapshotAsync(sdkRequest, cancellationToken);
            return response.Snapshot.SnapshotId;
        }, cancellationToken);

    /// <remarks>
    /// Always filtered: <c>Owner=self</c> alone can match thousands of snapshots (moto ships ~1,200)
    /// and unfiltered calls fall in EC2's tighter throttling bucket. A query that names nothing
    /// asks for the snapshots the bot made, by the <c>chatbackup:operation</c> tag key.
    /// </remarks>
    public Task<IReadOnlyList<Ec2Snapshot>> DescribeSnapshotsAsync(string region, SnapshotQuery query, CancellationToken cancellationToken) =>
        CallAsync(region, "DescribeSnapshots", async ec2 =>
        {
            var filters = TagFilters(query.Tags);
            if (query.VolumeId is not null)
            {
                filters.Add(new Filter("volume-id", [query.VolumeId]));
            }

            var hasIds = query.SnapshotIds is { Count: > 0 };
            if (!hasIds && filters.Count == 0)
            {
                filters.Add(new Filter("tag-key", [BackupTags.Operation]));
            }

            var request = new DescribeSnapshotsRequest { OwnerIds = Self, Filters = NullIfEmpty(filters) };
            if (hasIds)
            {
                request.SnapshotIds = [.. query.SnapshotIds!];
            }
            else
            {
                // MaxResults may not be combined with SnapshotIds.
                request.MaxResults = Math.Clamp(query.MaxResults ?? MaxPageSize, 5, MaxPageSize);
            }

            var found = new List<Ec2Snapshot>();
            do
            {
                var response = await ec2.DescribeSnapshotsAsync(request, cancellationToken);
                found.AddRange((response.Snapshots ?? []).Select(Ec2Mapping.ToSnapshot));
                request.NextToken = hasIds ? null : response.NextToken;
            }
            while (!string.IsNullOrEmpty(request.NextToken) && !Reached(found.Count, query.MaxResults));

            return Limit(found, query.MaxResults);
        }, cancellationToken);

    public Task TagAsync(string region, IReadOnlyList<string> resourceIds, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        if (resourceIds.Count == 0 || tags.Count == 0)
        {
            return Task.CompletedTask;
        }

        return CallAsync(region, "CreateTags", async ec2 =>
        {
            await ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [.. resourceIds], Tags = Ec2Mapping.ToTags(tags) }, cancellationToken);
            return true;
        }, cancellationToken);
    }

    private static List<Filter> TagFilters(IReadOnlyDictionary<string, string>? tags) =>
        [.. (tags ?? new Dictionary<string, string>()).Select(t => new Filter($"tag:{t.Key}", [t.Value]))];

    // Leave Filter out when there is none rather than rely on how the SDK marshals an empty list.
    private static List<Filter>? NullIfEmpty(List<Filter> filters) => filters.Count > 0 ? filters : null;

    private static bool Reached(int count, int? max) => max is { } m && count >= m;

    private static IReadOnlyList<T> Limit<T>(List<T> items, int? max) =>
        max is { } m && items.Count > m ? items.GetRange(0, Math.Max(m, 0)) : items;

    private async Task<T> CallAsync<T>(string region, string action, Func<IAmazonEC2, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(clients.GetClient(region));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Ec2Errors.Translate(e) is { } translated)
        {
            Ec2GatewayLog.CallFailed(logger, action, region, translated.Code, translated.Kind, e);
            throw translated;
        }
    }
}
