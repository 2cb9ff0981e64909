namespace ChatBackup.Core.Intents.Help;

/// <summary><c>help</c>: the command reference. Answered at once, no operation.</summary>
public sealed record HelpIntent : Intent
{
    public override OperationKind? Kind => null;
}
