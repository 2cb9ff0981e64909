using ChatBackup.Core.Cards;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Running;

namespace ChatBackup.Core.Intents.DeleteSnapshot;

/// <summary>Delete a snapshot after approval; a snapshot that backs an AMI is refused before anyone is asked.</summary>
public sealed class DeleteSnapshotHandler(IEc2Gateway ec2, TimeProvider clock) : IOperationHandler, IApprovalCheck
{
    public OperationKind Kind => OperationKind.DeleteSnapshot;

    public async Task<CheckOutcome> CheckAsync(Operation operation, CancellationToken cancellationToken)
    {
        var intent = (DeleteSnapshotIntent)operation.Intent;
        var snapshots = await ec2.DescribeSnapshotsAsync(operation.Region, new SnapshotQuery(SnapshotIds: [intent.SnapshotId]), cancellationToken);
        if (snapshots.Count == 0)
        {
            return new CheckOutcome(operation, [$"Snapshot {intent.SnapshotId} was not found in {operation.Region}."]);
        }

        var snapshot = snapshots[0];
        var facts = new List<Fact>
        {
            new("Snapshot", $"{snapshot.Id} ({Format.GiB(snapshot.SizeGiB)}{(snapshot.StartedAt is { } t ? ", taken " + Format.Age(t, clock.GetUtcNow()) : "")})"),
            new("Source volume", snapshot.VolumeId ?? "unknown"),
            new("Encrypted", snapshot.Encrypted ? "yes" : "no"),
        };
        if (!string.IsNullOrWhiteSpace(snapshot.Description))
        {
            facts.Add(new Fact("Description", snapshot.Description));
        }

        var problems = new List<string>();
        var users = await ec2.DescribeImagesAsync(operation.Region, new ImageQuery(SnapshotId: snapshot.Id), cancellationToken);
        if (users.Count > 0)
        {
            problems.Add($"{snapshot.Id} backs {string.Join(", ", users.Select(i => $"{i.Id} ({i.Name})"))}: deregister the AMI first with delete ami {users[0].Id}, which deletes its snapshots too.");
        }

        var dryRun = await ec2.DryRunDeleteSnapshotAsync(operation.Region, snapshot.Id, cancellationToken);
        facts.Add(new Fact("Permission check", $"DeleteSnapshot {(dryRun.Permitted ? "allowed" : "refused")} (EC2 DryRun)"));
        if (!dryRun.Permitted)
        {
            problems.Add($"EC2 refused DeleteSnapshot in a dry run: {dryRun.Code}: {dryRun.Message}");
        }

        var checkedOperation = operation.WithResource(ResourceKeys.SnapshotId, snapshot.Id).WithResource(ResourceKeys.SizeGiB, snapshot.SizeGiB.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new CheckOutcome(checkedOperation with { Facts = [.. facts] }, problems);
    }

    public async Task<StepOutcome> StepAsync(Operation operation, CancellationToken cancellationToken)
    {
        var intent = (DeleteSnapshotIntent)operation.Intent;
        try
        {
            await ec2.DeleteSnapshotAsync(operation.Region, intent.SnapshotId, cancellationToken);
        }
        catch (Ec2Exception ex) when (ex.Kind == Ec2FaultKind.NotFound)
        {
            // Gone already: an earlier attempt that died before saying so, or someone else. Either way it is done.
            return new StepOutcome.Succeeded(operation with { Phase = "Already gone when the work started" });
        }
        catch (Ec2Exception ex) when (ex.Code == "InvalidSnapshot.InUse")
        {
            return new StepOutcome.Failed(operation, new OperationError(
                ex.Code,
                $"EC2 will not delete {intent.SnapshotId}: an AMI registered after the request uses it ({ex.Message}).",
                Ec2ErrorAdvice.For(ex.Code)));
        }

        return new StepOutcome.Succeeded(operation.WithResource(ResourceKeys.DeleteRequested, "true") with { Phase = "Deleted" });
    }
}
