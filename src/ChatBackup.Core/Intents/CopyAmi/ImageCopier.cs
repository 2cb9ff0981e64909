using ChatBackup.Core.Ec2;

using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using ChatBackup.Core.Running;
using ChatBackup.Core.Waiting;

namespace ChatBackup.Core.Intents.CopyAmi;

/// <summary>
/// Copies the operation's AMI (<see cref="ResourceKeys.ImageId"/> in the operation's region) to another
/// region and waits there until the copy is available. CopyImage runs in the destination region with
/// a ClientToken derived from the operation id, and the copy is first looked for by its operation tag,
/// so a retried step never copies twice.
/// </summary>
public sealed class ImageCopier(IEc2Gateway ec2, ResourceObserver observer, BackupOptions options)
{
    public async Task<StepOutcome> StepAsync(Operation operation, string destination, CancellationToken cancellationToken)
    {
        var sourceId = operation.Resource(ResourceKeys.ImageId)!;
        if (operation.Resource(ResourceKeys.CopyImageId) is not { } copyId)
        {
            var existing = operation.StepAttempts > 1
                ? await ec2.DescribeImagesAsync(destination, new ImageQuery(Tags: BackupTagging.ByOperation(operation.Id)), cancellationToken)
                : [];
            if (existing.Count > 0)
            {
                copyId = existing[0].Id;
            }
            else
            {
                var (name, encrypted, kmsKey) = operation.Intent switch
                {
                    CopyAmiIntent c => (c.Name ?? operation.Resource(ResourceKeys.ImageName) ?? sourceId, c.Encrypted, c.KmsKeyId),
                    _ => (operation.Resource(ResourceKeys.ImageName) ?? sourceId, false, null),
                };
                copyId = await ec2.CopyImageAsync(
                    destination,
                    new CopyImageRequest(
                        operation.Region,
                        sourceId,
                        name,
                        $"ChatBackup {operation.Id}: copy of {sourceId} from {operation.Region}",
                        encrypted,
                        kmsKey,
                        ClientToken: "chatbackup-" + operation.Id + "-copy",
                        BackupTagging.For(operation, name, sourceId)),
                    cancellationToken);
            }

            return new StepOutcome.Wait(
                operation.WithResource(ResourceKeys.CopyImageId, copyId).WithResource(ResourceKeys.CopyRegion, destination) with
                {
                    Phase = $"Copying {sourceId} to {destination} as {copyId}",
                    ProgressPercent = 0,
                },
                options.PollInterval,
                ResourceRef.Image(destination, copyId));
        }

        var watch = ResourceRef.Image(destination, copyId);
        var copies = await observer.ImagesAsync(destination, [copyId], cancellationToken);
        if (copies.Count == 0)
        {
            return new StepOutcome.Wait(operation with { Phase = $"Waiting for {copyId} to appear in {destination}" }, options.PollInterval, watch);
        }

        var copy = copies[0];
        switch (copy.State)
        {
            case ImageState.Available:
                return new StepOutcome.Succeeded(operation.WithResource(ResourceKeys.CopyAvailable, "true"));
            case ImageState.Pending or ImageState.Transient or ImageState.Unknown:
                var percent = 0;
                if (copy.SnapshotIds.Count > 0)
                {
                    var snapshots = await observer.SnapshotsAsync(destination, copy.SnapshotIds, cancellationToken);
                    percent = snapshots.Count == 0 ? 0 : (int)snapshots.Average(s => s.State == SnapshotState.Completed ? 100 : s.ProgressPercent ?? 0);
                }

                return new StepOutcome.Wait(
                    operation with { Phase = $"Copying {sourceId} to {destination} as {copyId}", ProgressPercent = percent },
                    options.PollInterval,
                    watch);
            default:
                return new StepOutcome.Failed(operation, new OperationError(
                    copy.StateReason?.Code ?? $"Copy{copy.State}",
                    copy.StateReason?.Message ?? $"EC2 reports the copy {copyId} in {destination} as {copy.State.ToString().ToLowerInvariant()}.",
                    Ec2ErrorAdvice.For(copy.StateReason?.Code ?? "ImageFailed")));
        }
    }
}

/// <summary><c>copy &lt;ami-id&gt; --to &lt;region&gt;</c>: no approval needed; the channel is told when the copy is available.</summary>
public sealed class CopyAmiHandler(IEc2Gateway ec2, ResourceObserver observer, BackupOptions options) : IOperationHandler
{
    private readonly ImageCopier _copier = new(ec2, observer, options);

    public OperationKind Kind => OperationKind.CopyAmi;

    public bool Creates(Operation operation) => operation.Resource(ResourceKeys.CopyImageId) is null;

    public async Task<StepOutcome> StepAsync(Operation operation, CancellationToken cancellationToken)
    {
        var intent = (CopyAmiIntent)operation.Intent;
        if (operation.Resource(ResourceKeys.ImageId) is null)
        {
            var sources = await ec2.DescribeImagesAsync(operation.Region, new ImageQuery(ImageIds: [intent.ImageId]), cancellationToken);
            if (sources.Count == 0)
            {
                return new StepOutcome.Failed(operation, new OperationError(
                    "InvalidAMIID.NotFound", $"{intent.ImageId} was not found in {operation.Region}.", Ec2ErrorAdvice.For("InvalidAMIID.NotFound")));
            }

            operation = operation.WithResource(ResourceKeys.ImageId, intent.ImageId).WithResource(ResourceKeys.ImageName, sources[0].Name);
        }

        return await _copier.StepAsync(operation, intent.ToRegion, cancellationToken);
    }
}
