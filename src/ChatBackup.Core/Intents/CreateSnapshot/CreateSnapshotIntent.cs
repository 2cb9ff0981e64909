namespace ChatBackup.Core.Intents.CreateSnapshot;

/// <summary><c>snapshot &lt;volume&gt; [--description] [--region]</c>.</summary>
public sealed record CreateSnapshotIntent(
    string VolumeId,
    string? Description = null,
    string? TargetRegion = null) : Intent
{
    public override string? Region => TargetRegion;

    public override OperationKind? Kind => OperationKind.CreateSnapshot;
}
