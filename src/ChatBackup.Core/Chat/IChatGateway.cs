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

    /// <summary>Posts the operation's card in the conversation and returns the id to update it by.</summary>
    Task<string> PostCardAsync(ConversationRef conversation, Card card, CancellationToken cancellationToken);

    /// <summary>Replaces a card posted by <see cref="PostCardAsync"/>.</summary>
    Task UpdateCardAsync(ConversationRef conversation, string messageId, Card card, CancellationToken cancellationToken);

    /// <summary>A reply under the card that everyone in the conversation sees (Slack: thread reply broadcast to the channel).</summary>
    Task PostNotificationAsync(ConversationRef conversation, string? cardMessageId, Card card, CancellationToken cancellationToken);

    /// <summary>A message only <paramref name="userId"/> sees, where the platform allows it.</summary>
    Task PostPrivateAsync(ConversationRef conversation, string userId, Card card, CancellationToken cancellationToken);
}

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
    public IChatGateway For(ConversationRef conversation) =>
        gateways().FirstOrDefault(g => g.Platform == conversation.Platform)
        ?? throw new InvalidOperationException($"No chat gateway for platform '{conversation.Platform}'.");
}
