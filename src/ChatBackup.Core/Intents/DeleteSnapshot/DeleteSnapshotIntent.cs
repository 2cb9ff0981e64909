namespace ChatBackup.Core.Intents.DeleteSnapshot;

/// <summary><c>delete snapshot &lt;snapshot-id&gt; [--region]</c>.</summary>
public sealed record DeleteSnapshotIntent(
    string SnapshotId,
    string? TargetRegion = null) : Intent
{
    public override string? Region => TargetRegion;

    public override OperationKind? Kind => OperationKind.DeleteSnapshot;
}
