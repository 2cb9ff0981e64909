using ChatBackup.Core.Intents;
using ChatBackup.Core.Operations;

namespace ChatBackup.Core.Chat;

/// <summary>What the chat still needs to show of an operation, most urgent first.</summary>
public enum ChatWork
{
    None,

    /// <summary>The "AMI available" reply.</summary>
    Notify,

    /// <summary>The "copy available" reply.</summary>
    NotifyCopy,

    /// <summary>The operation's card was never posted.</summary>
    PostCard,

    /// <summary>The card shows an older state than the operation's.</summary>
    UpdateState,

    /// <summary>The card shows the right state but its progress is older than <c>Backup:CardUpdateInterval</c>.</summary>
    UpdateProgress,
}

/// <summary>
/// Compares an operation with what its conversation has been shown. The operation record is the
/// outbox: a sender only ever sends what this finds missing, rendered from the record as it is at
/// that moment, so any number of progress changes waiting for their turn become one update, and a
/// reply that was due before a crash is still due after it.
/// </summary>
public static class ChatWorks
{
    /// <summary>The most urgent thing the chat lacks; the reply comes before the card update so the channel hears first.</summary>
    public static ChatWork Next(Operation operation, DateTimeOffset now, TimeSpan cardUpdateInterval)
    {
        if (NeedsCard(operation))
        {
            return ChatWork.PostCard;
        }

        if (operation is { Kind: OperationKind.CreateAmi, NotificationSent: false } && operation.Resource(ResourceKeys.ImageAvailable) is not null)
        {
            return ChatWork.Notify;
        }

        if (operation is { CopyNotificationSent: false } && operation.Resource(ResourceKeys.CopyAvailable) is not null)
        {
            return ChatWork.NotifyCopy;
        }

        if (operation.CardMessageId is null)
        {
            return ChatWork.None;
        }

        if (operation.CardState != operation.State)
        {
            return ChatWork.UpdateState;
        }

        return !operation.State.IsFinal()
            && operation.State != OperationState.AwaitingApproval
            && (operation.CardUpdatedAt is not { } shown || now - shown >= cardUpdateInterval)
            ? ChatWork.UpdateProgress
            : ChatWork.None;
    }

    /// <summary>
    /// Whether something must still be sent whatever happens to this process: a card, a reply, a
    /// state change, or a call a sender started and did not record. Progress alone is not: the next
    /// step brings it anyway. Stores index this so a sweep finds what a dead sender left.
    /// </summary>
    public static bool IsDue(Operation operation) =>
        operation.Sending is not null
        || Next(operation, DateTimeOffset.MinValue, TimeSpan.MaxValue) is not (ChatWork.None or ChatWork.UpdateProgress);

    /// <summary>
    /// Cards are posted once the work has started (or, for approvals, once the pre-checks passed and
    /// there is something to approve); listings answer privately, and pre-check failures were told
    /// privately and never get a card.
    /// </summary>
    public static bool NeedsCard(Operation operation) =>
        HasLiveCard(operation.Kind)
        && operation.CardMessageId is null
        && operation.CardError is null
        && operation.State != OperationState.Queued
        && !(operation.State == OperationState.AwaitingApproval && operation.ExpiresAt is null)
        && operation.Error?.Code != PrecheckFailed;

    public static bool HasLiveCard(OperationKind kind) => kind is not (OperationKind.ListAmis or OperationKind.ListSnapshots);

    /// <summary>The error code of a request refused before anyone was asked; its requester was told privately.</summary>
    public const string PrecheckFailed = "PrecheckFailed";

    /// <summary>The lane kind a piece of work goes through.</summary>
    public static ChatCall CallOf(ChatWork work) => work is ChatWork.UpdateState or ChatWork.UpdateProgress ? ChatCall.Update : ChatCall.Post;

    /// <summary>Lower sends first when several wait for the same lane.</summary>
    public static int Priority(ChatWork work) => work switch
    {
        ChatWork.Notify or ChatWork.NotifyCopy => 0,
        ChatWork.PostCard => 1,
        ChatWork.UpdateState => 2,
        _ => 3,
    };
}
