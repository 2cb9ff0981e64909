namespace ChatBackup.Core.Intents.Cancel;

/// <summary><c>cancel &lt;operation-id&gt;</c>: the requester withdraws a request still awaiting approval.</summary>
public sealed record CancelIntent(string OperationId) : Intent
{
    public override OperationKind? Kind => null;
}
