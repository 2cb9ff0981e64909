using Amazon.EC2;
using Amazon.EC2.Model;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Intents;
using Microsoft.Extensions.Logging;
using CreateImageRequest = ChatBackup.Core.Ec2.CreateImageRequest;
using CopyImageRequest = ChatBackup.Core.Ec2.CopyImageRequest;
using CreateSnapshotRequest = ChatBackup.Core.Ec2.CreateSnapshotRequest;
using CreateVolumeRequest = ChatBackup.Core.Ec2.CreateVolumeRequest;

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

    public Task<IReadOnlyList<Ec2Volume>> DescribeVolumesAsync(string region, IReadOnlyList<string> volumeIds, CancellationToken cancellationToken) =>
        WithoutMissingAsync(volumeIds, ids => DescribeVolumesCoreAsync(region, ids ?? [], cancellationToken));

    private Task<IReadOnlyList<Ec2Volume>> DescribeVolumesCoreAsync(string region, IReadOnlyList<string> volumeIds, CancellationToken cancellationToken)
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

    public Task<IReadOnlyList<Ec2Volume>> FindVolumesByTagsAsync(string region, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        CallAsync(region, "DescribeVolumes", async ec2 =>
        {
            var request = new DescribeVolumesRequest
            {
                Filters = [.. tags.Select(t => new Filter($"tag:{t.Key}", [t.Value]))],
                MaxResults = MaxPageSize,
            };
            var found = new List<Ec2Volume>();
            do
            {
                var response = await ec2.DescribeVolumesAsync(request, cancellationToken);
                found.AddRange((response.Volumes ?? []).Select(Ec2Mapping.ToVolume));
                request.NextToken = response.NextToken;
            }
            while (!string.IsNullOrEmpty(request.NextToken));

            return (IReadOnlyList<Ec2Volume>)found;
        }, cancellationToken);

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
    /// <see cref="ImageQuery.SnapshotId"/> is matched here rather than with EC2's
    /// <c>block-device-mapping.snapshot-id</c> filter, which moto 5.2.1 does not implement (HTTP 500);
    /// the answer is the same, only paged through our own images (DescribeImages is not in EC2's
    /// tighter unfiltered-throttling bucket).
    /// </remarks>
    public Task<IReadOnlyList<Ec2Image>> DescribeImagesAsync(string region, ImageQuery query, CancellationToken cancellationToken) =>
        WithoutMissingAsync(query.ImageIds, ids => DescribeImagesCoreAsync(region, query with { ImageIds = ids }, cancellationToken));

    private Task<IReadOnlyList<Ec2Image>> DescribeImagesCoreAsync(string region, ImageQuery query, CancellationToken cancellationToken) =>
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
                found.AddRange((response.Images ?? [])
                    .Select(Ec2Mapping.ToImage)
                    .Where(i => query.SnapshotId is null || i.SnapshotIds.Contains(query.SnapshotId, StringComparer.Ordinal)));
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
        WithoutMissingAsync(query.SnapshotIds, ids => DescribeSnapshotsCoreAsync(region, query with { SnapshotIds = ids }, cancellationToken));

    private Task<IReadOnlyList<Ec2Snapshot>> DescribeSnapshotsCoreAsync(string region, SnapshotQuery query, CancellationToken cancellationToken) =>
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

    /// <remarks>
    /// Tags are asked for in the call and then set again with CreateTags on the new image:
    /// moto 5.2.1 ignores CopyImage's <c>TagSpecification</c> (and <c>ClientToken</c>), and the
    /// <c>chatbackup:operation</c> tag is how the caller finds a copy again, so it must be there on
    /// moto and EC2 alike. CreateTags overwrites with the same values, so repeating it is harmless.
    /// </remarks>
    public Task<string> CopyImageAsync(string destinationRegion, CopyImageRequest request, CancellationToken cancellationToken) =>
        CallAsync(destinationRegion, "CopyImage", async ec2 =>
        {
            var sdkRequest = new Amazon.EC2.Model.CopyImageRequest
            {
                SourceRegion = request.SourceRegion,
                SourceImageId = request.SourceImageId,
                Name = request.Name,
                Description = request.Description,
                KmsKeyId = request.KmsKeyId,
                ClientToken = request.ClientToken,
                CopyImageTags = false,
            };
            if (request.Encrypted)
            {
                sdkRequest.Encrypted = true;
            }

            if (request.Tags.Count > 0)
            {
                // The copy's snapshots get the tags too, so the tag-scoped IAM policy lets the bot delete them with the copy.
                sdkRequest.TagSpecifications =
                [
                    new TagSpecification { ResourceType = ResourceType.Image, Tags = Ec2Mapping.ToTags(request.Tags) },
                    new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = Ec2Mapping.ToTags(request.Tags) },
                ];
            }

            var imageId = (await ec2.CopyImageAsync(sdkRequest, cancellationToken)).ImageId;
            if (request.Tags.Count > 0)
            {
                try
                {
                    await ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [imageId], Tags = Ec2Mapping.ToTags(request.Tags) }, cancellationToken);
                }
                catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidAMIID.NotFound")
                {
                    // EC2's eventual consistency right after CopyImage; there the TagSpecification has tagged it already.
                }
            }

            return imageId;
        }, cancellationToken);

    /// <remarks>moto ignores <c>ClientToken</c> here; the caller finds an earlier volume by its tags.</remarks>
    public Task<string> CreateVolumeAsync(string region, CreateVolumeRequest request, CancellationToken cancellationToken) =>
        CallAsync(region, "CreateVolume", async ec2 =>
        {
            var response = await ec2.CreateVolumeAsync(ToSdk(request, dryRun: false), cancellationToken);
            return response.Volume.VolumeId;
        }, cancellationToken);

    public Task<DryRunResult> DryRunCreateVolumeAsync(string region, CreateVolumeRequest request, CancellationToken cancellationToken) =>
        DryRunAsync(region, "CreateVolume", ec2 => ec2.CreateVolumeAsync(ToSdk(request, dryRun: true), cancellationToken), cancellationToken);

    public Task AttachVolumeAsync(string region, string volumeId, string instanceId, string device, CancellationToken cancellationToken) =>
        CallAsync(region, "AttachVolume", async ec2 =>
        {
            await ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volumeId, InstanceId = instanceId, Device = device }, cancellationToken);
            return true;
        }, cancellationToken);

    public Task<DryRunResult> DryRunAttachVolumeAsync(string region, string volumeId, string instanceId, string device, CancellationToken cancellationToken) =>
        DryRunAsync(
            region,
            "AttachVolume",
            ec2 => ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volumeId, InstanceId = instanceId, Device = device, DryRun = true }, cancellationToken),
            cancellationToken);

    public Task<DeregisterResult> DeregisterImageAsync(string region, string imageId, bool keepSnapshots, CancellationToken cancellationToken) =>
        CallAsync(region, "DeregisterImage", async ec2 =>
        {
            var response = await ec2.DeregisterImageAsync(
                new DeregisterImageRequest { ImageId = imageId, DeleteAssociatedSnapshots = !keepSnapshots },
                cancellationToken);
            return Ec2Mapping.ToDeregisterResult(response.DeleteSnapshotResults);
        }, cancellationToken);

    public Task<DryRunResult> DryRunDeregisterImageAsync(string region, string imageId, CancellationToken cancellationToken) =>
        DryRunAsync(region, "DeregisterImage", ec2 => ec2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = imageId, DryRun = true }, cancellationToken), cancellationToken);

    public Task DeleteSnapshotAsync(string region, string snapshotId, CancellationToken cancellationToken) =>
        CallAsync(region, "DeleteSnapshot", async ec2 =>
        {
            await ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = snapshotId }, cancellationToken);
            return true;
        }, cancellationToken);

    public Task<DryRunResult> DryRunDeleteSnapshotAsync(string region, string snapshotId, CancellationToken cancellationToken) =>
        DryRunAsync(region, "DeleteSnapshot", ec2 => ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = snapshotId, DryRun = true }, cancellationToken), cancellationToken);

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

    private static Amazon.EC2.Model.CreateVolumeRequest ToSdk(CreateVolumeRequest request, bool dryRun)
    {
        var sdkRequest = new Amazon.EC2.Model.CreateVolumeRequest
        {
            AvailabilityZone = request.AvailabilityZone,
            SnapshotId = request.SnapshotId,
            Size = request.SizeGiB,
            Iops = request.Iops,
            Throughput = request.ThroughputMiBps,
            ClientToken = request.ClientToken,
        };
        if (request.VolumeType is { Length: > 0 } type)
        {
            sdkRequest.VolumeType = Amazon.EC2.VolumeType.FindValue(type);
        }

        if (request.Tags.Count > 0)
        {
            sdkRequest.TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Volume, Tags = Ec2Mapping.ToTags(request.Tags) }];
        }

        if (dryRun)
        {
            sdkRequest.DryRun = true;
        }

        return sdkRequest;
    }

    private static List<Filter> TagFilters(IReadOnlyDictionary<string, string>? tags) =>
        [.. (tags ?? new Dictionary<string, string>()).Select(t => new Filter($"tag:{t.Key}", [t.Value]))];

    // Leave Filter out when there is none rather than rely on how the SDK marshals an empty list.
    private static List<Filter>? NullIfEmpty(List<Filter> filters) => filters.Count > 0 ? filters : null;

    private static bool Reached(int count, int? max) => max is { } m && count >= m;

    private static IReadOnlyList<T> Limit<T>(List<T> items, int? max) =>
        max is { } m && items.Count > m ? items.GetRange(0, Math.Max(m, 0)) : items;

    /// <summary>
    /// Makes a <c>DryRun</c> call and reads EC2's answer (see <see cref="Ec2Mapping.ToDryRunResult"/>).
    /// A call that unexpectedly succeeds was evidently permitted.
    /// </summary>
    private async Task<DryRunResult> DryRunAsync(string region, string action, Func<IAmazonEC2, Task> call, CancellationToken cancellationToken)
    {
        using var telemetry = Ec2CallTelemetry.Start(action + " (DryRun)", region, cancellationToken);
        try
        {
            await call(clients.GetClient(region));
            telemetry.Succeeded();
            return new DryRunResult(true, "Succeeded", $"{action} succeeded although DryRun was set");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Ec2Errors.Translate(e) is { } translated)
        {
            // DryRunOperation is the answer a dry run asks for; any other code is counted as the fault it is.
            if (translated.Code == Ec2Mapping.DryRunOperationCode)
            {
                telemetry.Succeeded();
            }
            else
            {
                telemetry.Failed(translated);
            }

            if (Ec2Mapping.ToDryRunResult(translated) is { } result)
            {
                return result;
            }

            Ec2GatewayLog.CallFailed(logger, action + " (DryRun)", region, translated.Code, translated.Kind, e);
            throw translated;
        }
    }

    /// <summary>
    /// EC2 fails a describe-by-ids as a whole when one id does not exist (<c>*.NotFound</c>); the
    /// port's contract is that missing ids are simply absent from the answer.
    /// </summary>
    private static async Task<IReadOnlyList<T>> WithoutMissingAsync<T>(IReadOnlyList<string>? ids, Func<IReadOnlyList<string>?, Task<IReadOnlyList<T>>> describe)
    {
        try
        {
            return await describe(ids);
        }
        catch (Ec2Exception e) when (e.Kind == Ec2FaultKind.NotFound && ids is { Count: > 0 })
        {
            if (ids.Count == 1)
            {
                return [];
            }

            var found = new List<T>();
            foreach (var id in ids)
            {
                found.AddRange(await WithoutMissingAsync([id], describe));
            }

            return found;
        }
    }

    private async Task<T> CallAsync<T>(string region, string action, Func<IAmazonEC2, Task<T>> call, CancellationToken cancellationToken)
    {
        using var telemetry = Ec2CallTelemetry.Start(action, region, cancellationToken);
        try
        {
            var result = await call(clients.GetClient(region));
            telemetry.Succeeded();
            return result;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Ec2Errors.Translate(e) is { } translated)
        {
            telemetry.Failed(translated);
            Ec2GatewayLog.CallFailed(logger, action, region, translated.Code, translated.Kind, e);
            throw translated;
        }
    }
}
