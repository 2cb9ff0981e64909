namespace ChatBackup.Core.Intents.Status;

/// <summary><c>status [&lt;operation-id&gt;]</c>: the channel's recent operations, or one in detail.</summary>
public sealed record StatusIntent(string? OperationId = null) : Intent
{
    public override OperationKind? Kind => null;
}
