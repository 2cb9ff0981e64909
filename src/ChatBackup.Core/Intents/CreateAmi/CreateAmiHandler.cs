using ChatBackup.Core.Commands;
using ChatBackup.Core.Intents.CopyAmi;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using ChatBackup.Core.Running;
using ChatBackup.Core.Waiting;

namespace ChatBackup.Core.Intents.CreateAmi;

/// <summary>CreateImage once (found again by its operation tag on a retry), then watch it until available.</summary>
public sealed class CreateAmiHandler(IEc2Gateway ec2, ResourceObserver observer, BackupOptions options, TimeProvider clock) : IOperationHandler
{
    public OperationKind Kind => OperationKind.CreateAmi;

    /// <summary>The image, and with <c>--copy-to</c> the copy, which starts in the step that sees the image available.</summary>
    public bool Creates(Operation operation) =>
        operation.Resource(ResourceKeys.ImageId) is null
        || (((CreateAmiIntent)operation.Intent).CopyTo is not null && operation.Resource(ResourceKeys.CopyImageId) is null);

    private readonly ImageCopier copier = new(ec2, observer, options);

    public async Task<StepOutcome> StepAsync(Operation operation, CancellationToken cancellationToken)
    {
        if (operation.Resource(ResourceKeys.CopyImageId) is not null && ((CreateAmiIntent)operation.Intent).CopyTo is { } copyTo)
        {
            return await copier.StepAsync(operation, copyTo, cancellationToken);
        }

        return operation.Resource(ResourceKeys.ImageId) is { } imageId
            ? await WatchAsync(operation, imageId, cancellationToken)
            : await CreateAsync(operation, cancellationToken);
    }

    private async Task<StepOutcome> CreateAsync(Operation operation, CancellationToken cancellationToken)
    {
        var intent = (CreateAmiIntent)operation.Intent;
        var existing = operation.StepAttempts > 1
            ? await ec2.DescribeImagesAsync(operation.Region, new ImageQuery(Tags: BackupTagging.ByOperation(operation.Id)), cancellationToken)
            : [];
        if (existing.Count > 0)
        {
            return Created(operation, existing[0].Id, existing[0].Name);
        }

        if (operation.Resource(ResourceKeys.InstanceId) is null)
        {
            // The look-up was too slow while answering the command; do it now.
            var (instance, problem) = await InstanceResolver.ResolveAsync(ec2, operation.Region, intent.Instance, cancellationToken);
            if (problem is not null)
            {
                return new StepOutcome.Failed(operation, new OperationError("InstanceNotResolved", problem, "Name the instance by its id."));
            }

            operation = InstanceResolver.Record(operation, instance!);
        }

        var instanceId = operation.Resource(ResourceKeys.InstanceId)!;
        var name = intent.Name ?? BackupTagging.DefaultName(operation.Resource(ResourceKeys.InstanceName) ?? instanceId, clock.GetUtcNow());
        var request = new CreateImageRequest(
            instanceId,
            name,
            $"ChatBackup {operation.Id} of {instanceId}, requested by {operation.Requester.DisplayName}",
            intent.NoReboot,
            BackupTagging.For(operation, name, instanceId));
        var imageId = await ec2.CreateImageAsync(operation.Region, request, cancellationToken);
        return Created(operation, imageId, name);
    }

    private StepOutcome Created(Operation operation, string imageId, string name) =>
        new StepOutcome.Wait(
            operation.WithResource(ResourceKeys.ImageId, imageId).WithResource(ResourceKeys.ImageName, name) with
            {
                Phase = $"Creating image {imageId}",
                ProgressPercent = 0,
            },
            options.PollInterval,
            ResourceRef.Image(operation.Region, imageId));

    private async Task<StepOutcome> WatchAsync(Operation operation, string imageId, CancellationToken cancellationToken)
    {
        var watch = ResourceRef.Image(operation.Region, imageId);
        var images = await observer.ImagesAsync(operation.Region, [imageId], cancellationToken);
        if (images.Count == 0)
        {
            // EC2 is eventually consistent: a new image may not be described yet.
            return new StepOutcome.Wait(operation with { Phase = $"Waiting for {imageId} to appear" }, options.PollInterval, watch);
        }

        var image = images[0];
        var (progressed, snapshots) = await TrackSnapshotsAsync(operation, image, cancellationToken);
        operation = progressed;
        return image.State switch
        {
            ImageState.Available when ((CreateAmiIntent)operation.Intent).CopyTo is { } copyTo
                => await copier.StepAsync(operation.WithResource(ResourceKeys.ImageAvailable, "true"), copyTo, cancellationToken),
            ImageState.Available => new StepOutcome.Succeeded(operation.WithResource(ResourceKeys.ImageAvailable, "true")),
            ImageState.Pending or ImageState.Transient or ImageState.Unknown => new StepOutcome.Wait(
                operation with
                {
                    Phase = snapshots == 0 ? $"Waiting for {imageId}" : $"Waiting for {imageId}: {snapshots} snapshot(s) in progress",
                },
                options.PollInterval,
                watch),
            _ => new StepOutcome.Failed(operation, new OperationError(
                image.StateReason?.Code ?? $"Image{image.State}",
                image.StateReason?.Message ?? $"EC2 reports the image as {image.State.ToString().ToLowerInvariant()}.",
                Ec2ErrorAdvice.For(image.StateReason?.Code ?? "ImageFailed"))),
        };
    }

    /// <summary>
    /// Tags the image's snapshots once their ids are known and measures progress as the mean of
    /// their <c>Progress</c>, EC2's only measure of an AMI's progress.
    /// </summary>
    private async Task<(Operation Operation, int Snapshots)> TrackSnapshotsAsync(Operation operation, Ec2Image image, CancellationToken cancellationToken)
    {
        if (image.SnapshotIds.Count == 0)
        {
            return (operation with { ProgressPercent = image.State == ImageState.Available ? 100 : operation.ProgressPercent ?? 0 }, 0);
        }

        var joined = string.Join(", ", image.SnapshotIds);
        if (operation.Resource(ResourceKeys.SnapshotIds) != joined)
        {
            var tags = BackupTagging.For(operation, image.Name, operation.Resource(ResourceKeys.InstanceId) ?? image.Id);
            await ec2.TagAsync(operation.Region, image.SnapshotIds, tags, cancellationToken);
            operation = operation.WithResource(ResourceKeys.SnapshotIds, joined);
        }

        var snapshots = await observer.SnapshotsAsync(operation.Region, image.SnapshotIds, cancellationToken);
        var percent = image.State == ImageState.Available || snapshots.Count == 0
            ? (image.State == ImageState.Available ? 100 : 0)
            : (int)snapshots.Average(s => s.State == SnapshotState.Completed ? 100 : s.ProgressPercent ?? 0);
        operation = operation with { ProgressPercent = percent };
        if (snapshots.Count > 0)
        {
            operation = operation.WithResource(ResourceKeys.SizeGiB, snapshots.Sum(s => s.SizeGiB).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return (operation, snapshots.Count(s => s.State == SnapshotState.Pending));
    }
}
