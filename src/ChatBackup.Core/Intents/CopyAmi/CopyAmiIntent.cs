namespace ChatBackup.Core.Intents.CopyAmi;

/// <summary><c>copy &lt;ami-id&gt; --to &lt;region&gt; [--name] [--encrypted] [--kms-key] [--region &lt;source&gt;]</c>.</summary>
public sealed record CopyAmiIntent(
    string ImageId,
    string ToRegion,
    string? Name = null,
    bool Encrypted = false,
    string? KmsKeyId = null,
    string? TargetRegion = null) : Intent
{
    public override string? Region => TargetRegion;

    public override OperationKind? Kind => OperationKind.CopyAmi;
}
