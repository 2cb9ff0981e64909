using ChatBackup.Core.Cards;
using ChatBackup.Core.Operations;

namespace ChatBackup.Core.Commands;

/// <summary>Button clicks on operation cards.</summary>
public sealed class ActionService(IOperationStore store, TimeProvider clock) : IActionService
{
    public async Task<ActionReply> HandleAsync(ChatAction action, CancellationToken cancellationToken)
    {
        var operation = OperationId.IsValid(action.OperationId)
            ? await store.GetAsync(action.OperationId, cancellationToken)
            : null;
        if (operation is null || operation.Conversation.Platform != action.Conversation.Platform)
        {
            return new ActionReply(null, MessageCards.Info("Unknown operation", $"There is no operation {action.OperationId}."));
        }

        return action.ActionId switch
        {
            CardActions.Refresh => new ActionReply(OperationCards.For(operation, clock.GetUtcNow()), null),
            _ => new ActionReply(null, MessageCards.Info("Not available", "This button is not available in this version of ChatBackup.")),
        };
    }
}
