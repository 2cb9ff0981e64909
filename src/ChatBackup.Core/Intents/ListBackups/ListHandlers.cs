using ChatBackup.Core.Cards;
using ChatBackup.Core.Commands;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Running;

namespace ChatBackup.Core.Intents.ListBackups;

/// <summary>Lists this account's AMIs, newest first, by our source tag and EC2's source instance where it gives one.</summary>
public sealed class ListAmisHandler(IEc2Gateway ec2, TimeProvider clock) : IOperationHandler
{
    public OperationKind Kind => OperationKind.ListAmis;

    public async Task<StepOutcome> StepAsync(Operation operation, CancellationToken cancellationToken)
    {
        var intent = (ListAmisIntent)operation.Intent;
        string? instanceId = null;
        if (intent.Instance is { } instance)
        {
            var (found, problem) = await InstanceResolver.ResolveAsync(ec2, operation.Region, instance, cancellationToken);
            if (problem is not null)
            {
                return new StepOutcome.Failed(operation, new OperationError("InstanceNotResolved", problem));
            }

            instanceId = found!.Id;
        }

        var images = await ec2.DescribeImagesAsync(operation.Region, new ImageQuery(SourceInstanceId: instanceId), cancellationToken);
        var newest = images.OrderByDescending(i => i.CreatedAt).Take(intent.Limit).ToList();
        return new StepOutcome.Succeeded(operation, MessageCards.Amis(operation.Region, newest, clock.GetUtcNow()));
    }
}

/// <summary>Lists this account's snapshots of a volume or instance (by our source tag), newest first.</summary>
public sealed class ListSnapshotsHandler(IEc2Gateway ec2, TimeProvider clock) : IOperationHandler
{
    public OperationKind Kind => OperationKind.ListSnapshots;

    public async Task<StepOutcome> StepAsync(Operation operation, CancellationToken cancellationToken)
    {
        var intent = (ListSnapshotsIntent)operation.Intent;
        IReadOnlyDictionary<string, string>? tags = null;
        if (intent.Instance is { } instance)
        {
            var (found, problem) = await InstanceResolver.ResolveAsync(ec2, operation.Region, instance, cancellationToken);
            if (problem is not null)
            {
                return new StepOutcome.Failed(operation, new OperationError("InstanceNotResolved", problem));
            }

            tags = new Dictionary<string, string> { [BackupTags.Source] = found!.Id };
        }

        var snapshots = await ec2.DescribeSnapshotsAsync(operation.Region, new SnapshotQuery(VolumeId: intent.VolumeId, Tags: tags), cancellationToken);
        var newest = snapshots.OrderByDescending(s => s.StartedAt).Take(intent.Limit).ToList();
        return new StepOutcome.Succeeded(operation, MessageCards.Snapshots(operation.Region, newest, clock.GetUtcNow()));
    }
}
