using ChatBackup.Core.Access;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Commands;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Core.Approvals;

/// <summary>
/// Clicks on cards: approve, reject, cancel, refresh. Only a configured approver who is not the
/// requester may decide; the decision is one conditional write, so the first one wins whatever
/// else is clicked, replayed or run on another replica.
/// </summary>
public sealed partial class ApprovalService(
    IOperationStore store,
    IOperationQueue queue,
    AccessPolicy access,
    TimeProvider clock,
    ILogger<ApprovalService> logger) : IActionService
{
    public async Task<ActionReply> HandleAsync(ChatAction action, CancellationToken cancellationToken)
    {
        var operation = OperationId.IsValid(action.OperationId)
            ? await store.GetAsync(action.OperationId, cancellationToken)
            : null;
        if (operation is null || operation.Conversation.Platform != action.Conversation.Platform)
        {
            return Private("Unknown operation", $"There is no operation {action.OperationId}.");
        }

        return action.ActionId switch
        {
            CardActions.Approve => await DecideAsync(operation, action.Actor, approve: true, cancellationToken),
            CardActions.Reject => await DecideAsync(operation, action.Actor, approve: false, cancellationToken),
            CardActions.Cancel => await CancelAsync(operation, action.Actor, cancellationToken),
            CardActions.Refresh => new ActionReply(OperationCards.For(operation, clock.GetUtcNow()), null),
            _ => Private("Unknown button", "That button is not one ChatBackup knows."),
        };
    }

    /// <summary>The requester withdraws a request that is still awaiting approval.</summary>
    public async Task<ActionReply> CancelAsync(Operation operation, Requester who, CancellationToken cancellationToken)
    {
        if (!SamePerson(operation.Requester, who))
        {
            return Private("Not yours", $"Only {operation.Requester.DisplayName}, who asked for {operation.Id}, can cancel it.");
        }

        var now = clock.GetUtcNow();
        var (current, changed) = await store.UpdateAsync(
            operation.Id,
            o => o.State == OperationState.AwaitingApproval
                ? o with { State = OperationState.Cancelled, CompletedAt = now, Phase = "Cancelled", Step = o.Step + 1 }
                : null,
            cancellationToken);
        if (!changed)
        {
            return Private("Too late", $"{operation.Id} is {OperationCards.StateWords(current!.State).ToLowerInvariant()} and can no longer be cancelled; only requests awaiting approval can.");
        }

        LogDecision(logger, operation.Id, "cancelled", who.Key);

        // A step for the cancelled operation only brings its card up to date.
        await queue.EnqueueAsync(current!.Id, current.Step, cancellationToken);
        return new ActionReply(OperationCards.For(current, now), MessageCards.Info("Cancelled", $"{operation.Id} is cancelled; nothing was done."));
    }

    private async Task<ActionReply> DecideAsync(Operation operation, Requester who, bool approve, CancellationToken cancellationToken)
    {
        if (!access.IsApprover(who))
        {
            LogRefused(logger, operation.Id, who.Key, "not an approver");
            return Private("Not an approver", $"Only configured approvers can decide on {operation.Id}. Ask an operator to add {who.Key} to Access:Approvers.");
        }

        if (!access.MayDecide(who, operation.Requester))
        {
            LogRefused(logger, operation.Id, who.Key, "own request");
            return Private("Someone else must decide", $"You asked for {operation.Id}; another approver has to decide on it.");
        }

        var now = clock.GetUtcNow();
        var decision = new ApprovalDecision(approve, who, now);
        var (current, changed) = await store.UpdateAsync(
            operation.Id,
            o => o.State == OperationState.AwaitingApproval && o.ExpiresAt is { } expires && now < expires
                ? o with
                {
                    State = approve ? OperationState.Queued : OperationState.Rejected,
                    Approval = decision,
                    CompletedAt = approve ? null : now,
                    Phase = approve ? "Approved, starting" : "Rejected",
                    Step = o.Step + 1,
                    CardState = approve ? OperationState.Queued : OperationState.Rejected,
                    CardUpdatedAt = now,
                }
                : null,
            cancellationToken);
        if (!changed)
        {
            return Private("Already handled", AlreadyHandled(current!, now));
        }

        LogDecision(logger, operation.Id, approve ? "approved" : "rejected", who.Key);
        ChatBackupTelemetry.ApprovalDecided(current!, decision);
        if (approve)
        {
            await queue.EnqueueAsync(current!.Id, current.Step, cancellationToken);
        }

        return new ActionReply(OperationCards.For(current!, now), null);
    }

    private static string AlreadyHandled(Operation operation, DateTimeOffset now) => operation switch
    {
        { Approval: { } a } => $"{operation.Id} was already {(a.Approved ? "approved" : "rejected")} by {a.DecidedBy.DisplayName} at {Format.Time(a.DecidedAt)}.",
        { State: OperationState.AwaitingApproval, ExpiresAt: { } expires } when now >= expires => $"{operation.Id} expired at {Format.Time(expires)}; ask again if it is still needed.",
        { State: OperationState.AwaitingApproval } => $"{operation.Id} is still being checked; try again in a moment.",
        _ => $"{operation.Id} is {OperationCards.StateWords(operation.State).ToLowerInvariant()}; there is nothing left to decide.",
    };

    private static bool SamePerson(Requester a, Requester b) => string.Equals(a.Key, b.Key, StringComparison.OrdinalIgnoreCase);

    private static ActionReply Private(string title, string text) => new(null, MessageCards.Info(title, text));

    [LoggerMessage(Level = LogLevel.Information, Message = "Operation {OperationId} {Decision} by {User}")]
    private static partial void LogDecision(ILogger logger, string operationId, string decision, string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a decision on {OperationId} by {User}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string operationId, string user, string reason);
}
