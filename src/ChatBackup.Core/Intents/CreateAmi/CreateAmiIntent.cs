namespace ChatBackup.Core.Intents.CreateAmi;

/// <summary><c>ami &lt;instance&gt; [--name] [--no-reboot] [--region] [--copy-to]</c>.</summary>
public sealed record CreateAmiIntent(
    InstanceRef Instance,
    string? Name = null,
    bool NoReboot = false,
    string? TargetRegion = null,
    string? CopyTo = null) : Intent
{
    public override string? Region => TargetRegion;

    public override OperationKind? Kind => OperationKind.CreateAmi;
}
