using ChatBackup.Core.Cards;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Running;

namespace ChatBackup.Core.Intents.DeleteAmi;

/// <summary>Deregister an AMI (and, unless kept, its snapshots) after approval.</summary>
public sealed class DeleteAmiHandler(IEc2Gateway ec2, TimeProvider clock) : IOperationHandler, IApprovalCheck
{
    public OperationKind Kind => OperationKind.DeleteAmi;

    public async Task<CheckOutcome> CheckAsync(Operation operation, CancellationToken cancellationToken)
    {
        var intent = (DeleteAmiIntent)operation.Intent;
        var images = await ec2.DescribeImagesAsync(operation.Region, new ImageQuery(ImageIds: [intent.ImageId]), cancellationToken);
        if (images.Count == 0)
        {
            return new CheckOutcome(operation, [$"AMI {intent.ImageId} was not found in {operation.Region} (or is not owned by this account)."]);
        }

        var image = images[0];
        var facts = new List<Fact>
        {
            new("AMI", $"{image.Id} ({image.Name}), {image.State.ToString().ToLowerInvariant()}{(image.CreatedAt is { } c ? ", created " + Format.Age(c, clock.GetUtcNow()) : "")}"),
        };
        var snapshots = image.SnapshotIds.Count == 0
            ? []
            : await ec2.DescribeSnapshotsAsync(operation.Region, new SnapshotQuery(SnapshotIds: image.SnapshotIds), cancellationToken);
        var total = snapshots.Sum(s => s.SizeGiB);
        facts.Add(intent.KeepSnapshots
            ? new Fact("Snapshots kept", image.SnapshotIds.Count == 0 ? "none" : string.Join(", ", image.SnapshotIds))
            : new Fact("Snapshots deleted", image.SnapshotIds.Count == 0 ? "none" : $"{string.Join(", ", image.SnapshotIds)} ({Format.GiB(total)} in all)"));

        var dryRun = await ec2.DryRunDeregisterImageAsync(operation.Region, image.Id, cancellationToken);
        facts.Add(new Fact("Permission check", $"DeregisterImage {(dryRun.Permitted ? "allowed" : "refused")} (EC2 DryRun)"));
        var problems = dryRun.Permitted ? [] : new List<string> { $"EC2 refused DeregisterImage in a dry run: {dryRun.Code}: {dryRun.Message}" };
        var checkedOperation = operation
            .WithResource(ResourceKeys.ImageId, image.Id)
            .WithResource(ResourceKeys.ImageName, image.Name);
        if (image.SnapshotIds.Count > 0)
        {
            checkedOperation = checkedOperation.WithResource(ResourceKeys.SnapshotIds, string.Join(", ", image.SnapshotIds));
        }

        return new CheckOutcome(checkedOperation with { Facts = [.. facts] }, problems);
    }

    public async Task<StepOutcome> StepAsync(Operation operation, CancellationToken cancellationToken)
    {
        var intent = (DeleteAmiIntent)operation.Intent;
        var snapshotIds = operation.Resource(ResourceKeys.SnapshotIds)?.Split(", ") ?? [];
        DeregisterResult result;
        try
        {
            result = await ec2.DeregisterImageAsync(operation.Region, intent.ImageId, intent.KeepSnapshots, cancellationToken);
        }
        catch (Ec2Exception ex) when (ex.Kind == Ec2FaultKind.NotFound)
        {
            // Gone already: an earlier attempt that died before saying so, or someone else.
            result = new DeregisterResult([]);
        }

        var failed = result.Snapshots.Where(s => !s.Deleted).ToList();
        if (failed.Count > 0)
        {
            return new StepOutcome.Failed(operation, new OperationError(
                failed[0].Code ?? "SnapshotNotDeleted",
                $"{intent.ImageId} is deregistered, but these snapshots were not deleted: {string.Join(", ", failed.Select(f => $"{f.SnapshotId} ({f.Code})"))}.",
                "Delete them with delete snapshot <id> once whatever holds them lets go."));
        }

        if (!intent.KeepSnapshots && snapshotIds.Length > 0)
        {
            // EC2 deletes them with the image; an API that ignored DeleteAssociatedSnapshots, or an
            // attempt that died half-way, leaves some behind: delete what is still there.
            var left = await ec2.DescribeSnapshotsAsync(operation.Region, new SnapshotQuery(SnapshotIds: snapshotIds), cancellationToken);
            foreach (var snapshot in left)
            {
                try
                {
                    await ec2.DeleteSnapshotAsync(operation.Region, snapshot.Id, cancellationToken);
                }
                catch (Ec2Exception ex) when (ex.Kind == Ec2FaultKind.NotFound)
                {
                }
            }
        }

        return new StepOutcome.Succeeded(operation with { Phase = "Deregistered" });
    }
}
