using ChatBackup.Core.Cards;
using ChatBackup.Core.Operations;

namespace ChatBackup.Core.Commands;

/// <summary>
/// A verified command from a chat platform: who typed what, where. <paramref name="RequestKey"/>
/// identifies the request (Slack <c>team:trigger_id</c>, Teams activity id) so a retry creates nothing new.
/// </summary>
public sealed record ChatCommand(Requester Requester, ConversationRef Conversation, string Text, string? RequestKey);

/// <summary>A verified button click (Slack block action, Teams Action.Execute) on a card.</summary>
/// <param name="ActionId">One of <see cref="CardActions"/>.</param>
/// <param name="OperationId">The button's value: the operation the card shows.</param>
/// <param name="MessageId">The clicked message (Slack ts, Teams activity id), when the platform says.</param>
public sealed record ChatAction(Requester Actor, ConversationRef Conversation, string ActionId, string OperationId, string? MessageId, string? RequestKey);

/// <summary>What to show after a click: the card that replaces the clicked one, and/or a private message to the clicker.</summary>
public sealed record ActionReply(Card? UpdatedCard, Card? PrivateMessage);

/// <summary>The platform-neutral entry for commands: parse, authorise, record, enqueue, answer.</summary>
public interface ICommandService
{
    /// <summary>Handles a command and returns the answer the requester sees at once (privately where the platform allows).</summary>
    Task<Card> HandleAsync(ChatCommand command, CancellationToken cancellationToken);
}

/// <summary>The platform-neutral entry for button clicks.</summary>
public interface IActionService
{
    Task<ActionReply> HandleAsync(ChatAction action, CancellationToken cancellationToken);
}

/// <summary>Hands an operation to the background workers. Implemented with Hangfire outside the core.</summary>
public interface IOperationQueue
{
    /// <summary>Runs <paramref name="step"/> of the operation on a worker (step 0 starts it).</summary>
    Task EnqueueAsync(string operationId, int step, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="step"/> of the operation on a worker once <paramref name="delay"/> has passed.</summary>
    Task ScheduleAsync(string operationId, int step, TimeSpan delay, CancellationToken cancellationToken);
}
