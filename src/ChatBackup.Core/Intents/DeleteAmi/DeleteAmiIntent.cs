namespace ChatBackup.Core.Intents.DeleteAmi;

/// <summary><c>delete ami &lt;ami-id&gt; [--keep-snapshots] [--region]</c>.</summary>
public sealed record DeleteAmiIntent(
    string ImageId,
    bool KeepSnapshots = false,
    string? TargetRegion = null) : Intent
{
    public override string? Region => TargetRegion;

    public override OperationKind? Kind => OperationKind.DeleteAmi;
}
