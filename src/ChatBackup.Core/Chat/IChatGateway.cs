using ChatBackup.Core.Cards;
using ChatBackup.Core.Operations;

namespace ChatBackup.Core.Chat;

/// <summary>
/// Sends cards to one chat platform. Implementations retry rate limits themselves and throw
/// <see cref="ChatDeliveryException"/> when a message cannot be delivered.
/// </summary>
public interface IChatGateway
{
    /// <summary>The platform name used in <see cref="ConversationRef.Platform"/>: <c>slack</c> or <c>teams</c>.</summary>
    string Platform { get; }

    /// <summary>
    /// True when <see cref="FindPostedAsync"/> can really look (the platform lets the bot read its
    /// own messages back); false means a post whose answer was lost can only be sent again.
    /// </summary>
    bool CanFindPosted { get; }

    /// <summary>
    /// Posts the operation's card in the conversation and returns the id to update it by.
    /// <paramref name="mark"/>, when given, is attached to the message where the platform allows it,
    /// so <see cref="FindPostedAsync"/> can find it again.
    /// </summary>
    Task<string> PostCardAsync(ConversationRef conversation, Card card, MessageMark? mark, CancellationToken cancellationToken);

    /// <summary>Replaces a card posted by <see cref="PostCardAsync"/>.</summary>
    Task UpdateCardAsync(ConversationRef conversation, string messageId, Card card, CancellationToken cancellationToken);

    /// <summary>A reply under the card that everyone in the conversation sees (Slack: thread reply broadcast to the channel).</summary>
    Task PostNotificationAsync(ConversationRef conversation, string? cardMessageId, Card card, MessageMark? mark, CancellationToken cancellationToken);

    /// <summary>A message only <paramref name="userId"/> sees, where the platform allows it.</summary>
    Task PostPrivateAsync(ConversationRef conversation, string userId, Card card, CancellationToken cancellationToken);

    /// <summary>
    /// Looks for a message the bot posted with <paramref name="mark"/> at or after <paramref name="since"/>
    /// (under <paramref name="threadMessageId"/> when it is a reply) and returns its id, or null when
    /// there is none. Used after a crash between a post and the record of it, so the post is not made
    /// twice. Only called when <see cref="CanFindPosted"/> is true.
    /// </summary>
    Task<string?> FindPostedAsync(
        ConversationRef conversation, string? threadMessageId, MessageMark mark, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// The rate lanes one call goes through: every lane's rates must allow the call before it starts.
    /// A lane with no rates only pauses when the platform answers 429 for a call in it.
    /// </summary>
    IReadOnlyList<ChatLane> LanesFor(ConversationRef conversation, ChatCall call);
}

/// <summary>What a message is for: the operation and which of its messages (<see cref="Card"/>, <see cref="Notification"/>…).</summary>
public sealed record MessageMark(string OperationId, string Purpose)
{
    public const string Card = "card";
    public const string Notification = "notification";
    public const string CopyNotification = "copy-notification";

    /// <summary>Slack message metadata <c>event_type</c> and the Teams card element id prefix.</summary>
    public const string EventType = "chatbackup_message";
}

/// <summary>The kinds of chat call the sender paces.</summary>
public enum ChatCall
{
    /// <summary>A new message in the conversation: a card or a notification.</summary>
    Post,

    /// <summary>An in-place update of a card.</summary>
    Update,
}

/// <summary>At most <see cref="Limit"/> calls start in any <see cref="Window"/>.</summary>
public sealed record ChatRate(int Limit, TimeSpan Window);

/// <summary>A rate-limited lane: calls with the same <see cref="Key"/> share its <see cref="Rates"/>.</summary>
public sealed record ChatLane(string Key, IReadOnlyList<ChatRate> Rates);

/// <summary>A chat API refused or failed a call; <see cref="Code"/> is the platform's error (<c>not_in_channel</c>, <c>ratelimited</c>…).</summary>
public sealed class ChatDeliveryException(string code, string message, bool isRetryable, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string Code { get; } = code;

    public bool IsRetryable { get; } = isRetryable;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Picks the gateway for an operation's platform. Gateways are resolved on each use because they
/// hold HTTP clients whose handlers the host rotates.
/// </summary>
public sealed class ChatGateways(Func<IEnumerable<IChatGateway>> gateways)
{
    public IChatGateway For(ConversationRef conversation) => For(conversation.Platform);

    public IChatGateway For(string platform) =>
        gateways().FirstOrDefault(g => g.Platform == platform)
        ?? throw new InvalidOperationException($"No chat gateway for platform '{platform}'.");
}
