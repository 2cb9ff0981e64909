using System.Collections.Concurrent;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Operations;

namespace ChatBackup.Testing.Chat;

/// <summary>
/// A chat platform that keeps every message it is asked to send, for the core's tests. By default it
/// has no rate limits and cannot look messages up; tests set <see cref="PostRates"/>,
/// <see cref="CanFindPosted"/> or <see cref="Failure"/> to exercise those paths.
/// </summary>
public sealed class RecordingChatGateway(string platform = "slack") : IChatGateway
{
    private int _next;

    public string Platform { get; } = platform;

    public bool CanFindPosted { get; set; }

    /// <summary>Rates of the per-conversation lane every post and update goes through; empty means unpaced.</summary>
    public IReadOnlyList<ChatRate> PostRates { get; set; } = [];

    /// <summary>When set, called before each call is recorded; throw from it to fail the call.</summary>
    public Action<string, ConversationRef>? Failure { get; set; }

    public ConcurrentQueue<SentMessage> Sent { get; } = new();

    public IReadOnlyList<SentMessage> OfKind(string kind) => Sent.Where(m => m.Kind == kind).ToList();

    public Task<string> PostCardAsync(ConversationRef conversation, Card card, MessageMark? mark, CancellationToken cancellationToken)
    {
        Failure?.Invoke("post", conversation);
        var id = $"msg-{Interlocked.Increment(ref _next)}";
        Sent.Enqueue(new SentMessage("post", conversation, id, card, mark, DateTimeOffset.UtcNow));
        return Task.FromResult(id);
    }

    public Task UpdateCardAsync(ConversationRef conversation, string messageId, Card card, CancellationToken cancellationToken)
    {
        Failure?.Invoke("update", conversation);
        Sent.Enqueue(new SentMessage("update", conversation, messageId, card, null, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }

    public Task PostNotificationAsync(ConversationRef conversation, string? cardMessageId, Card card, MessageMark? mark, CancellationToken cancellationToken)
    {
        Failure?.Invoke("notify", conversation);
        Sent.Enqueue(new SentMessage("notify", conversation, cardMessageId, card, mark, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }

    public Task PostPrivateAsync(ConversationRef conversation, string userId, Card card, CancellationToken cancellationToken)
    {
        Failure?.Invoke("private", conversation);
        Sent.Enqueue(new SentMessage("private", conversation, userId, card, null, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }

    public Task<string?> FindPostedAsync(
        ConversationRef conversation, string? threadMessageId, MessageMark mark, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (!CanFindPosted)
        {
            throw new InvalidOperationException("FindPostedAsync was called on a gateway that cannot find posts.");
        }

        var found = Sent.FirstOrDefault(m => m.Mark == mark && m.Conversation.ChannelId == conversation.ChannelId);
        return Task.FromResult(found is null ? null : found.Kind == "post" ? found.Target : $"reply-of-{mark.OperationId}");
    }

    public IReadOnlyList<ChatLane> LanesFor(ConversationRef conversation, ChatCall call) =>
        [new ChatLane($"{Platform}:{conversation.ChannelId}", PostRates)];

    public sealed record SentMessage(string Kind, ConversationRef Conversation, string? Target, Card Card, MessageMark? Mark, DateTimeOffset At);
}
