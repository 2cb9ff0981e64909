namespace ChatBackup.Core.Intents.RestoreSnapshot;

/// <summary><c>restore &lt;snapshot-id&gt; --instance &lt;instance&gt; [--device] [--type] [--size] [--iops] [--throughput] [--region]</c>.</summary>
public sealed record RestoreSnapshotIntent(
    string SnapshotId,
    InstanceRef Instance,
    string? Device = null,
    VolumeType? VolumeType = null,
    int? SizeGiB = null,
    int? Iops = null,
    int? ThroughputMiBps = null,
    string? TargetRegion = null) : Intent
{
    public override string? Region => TargetRegion;

    public override OperationKind? Kind => OperationKind.RestoreSnapshot;
}
