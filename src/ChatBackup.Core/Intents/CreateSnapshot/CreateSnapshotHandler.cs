using System.Globalization;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using ChatBackup.Core.Running;
using ChatBackup.Core.Waiting;

namespace ChatBackup.Core.Intents.CreateSnapshot;

/// <summary>CreateSnapshot once (found again by its operation tag on a retry), then watch it until completed.</summary>
public sealed class CreateSnapshotHandler(IEc2Gateway ec2, ResourceObserver observer, BackupOptions options, TimeProvider clock) : IOperationHandler
{
    public OperationKind Kind => OperationKind.CreateSnapshot;

    public bool Creates(Operation operation) => operation.Resource(ResourceKeys.SnapshotId) is null;

    public async Task<StepOutcome> StepAsync(Operation operation, CancellationToken cancellationToken)
    {
        var intent = (CreateSnapshotIntent)operation.Intent;
        if (operation.Resource(ResourceKeys.SnapshotId) is not { } snapshotId)
        {
            var existing = operation.StepAttempts > 1
                ? await ec2.DescribeSnapshotsAsync(operation.Region, new SnapshotQuery(Tags: BackupTagging.ByOperation(operation.Id)), cancellationToken)
                : [];
            snapshotId = existing.Count > 0
                ? existing[0].Id
                : await ec2.CreateSnapshotAsync(
                    operation.Region,
                    new CreateSnapshotRequest(
                        intent.VolumeId,
                        intent.Description ?? $"ChatBackup {operation.Id} of {intent.VolumeId}, requested by {operation.Requester.DisplayName}",
                        BackupTagging.For(operation, BackupTagging.DefaultName(intent.VolumeId, clock.GetUtcNow()), intent.VolumeId)),
                    cancellationToken);
            return new StepOutcome.Wait(
                operation.WithResource(ResourceKeys.SnapshotId, snapshotId).WithResource(ResourceKeys.VolumeId, intent.VolumeId) with
                {
                    Phase = $"Creating snapshot {snapshotId}",
                    ProgressPercent = 0,
                },
                options.PollInterval,
                ResourceRef.Snapshot(operation.Region, snapshotId));
        }

        var watch = ResourceRef.Snapshot(operation.Region, snapshotId);
        var snapshots = await observer.SnapshotsAsync(operation.Region, [snapshotId], cancellationToken);
        if (snapshots.Count == 0)
        {
            return new StepOutcome.Wait(operation with { Phase = $"Waiting for {snapshotId} to appear" }, options.PollInterval, watch);
        }

        var snapshot = snapshots[0];
        operation = operation.WithResource(ResourceKeys.SizeGiB, snapshot.SizeGiB.ToString(CultureInfo.InvariantCulture));
        return snapshot.State switch
        {
            SnapshotState.Completed => new StepOutcome.Succeeded(operation),
            SnapshotState.Pending or SnapshotState.Recovering or SnapshotState.Unknown => new StepOutcome.Wait(
                operation with { ProgressPercent = snapshot.ProgressPercent ?? operation.ProgressPercent ?? 0, Phase = $"Waiting for {snapshotId}" },
                options.PollInterval,
                watch),
            _ => new StepOutcome.Failed(operation, new OperationError(
                "SnapshotError",
                snapshot.StateMessage ?? $"EC2 reports the snapshot as {snapshot.State.ToString().ToLowerInvariant()}.",
                Ec2ErrorAdvice.For("SnapshotError"))),
        };
    }
}
