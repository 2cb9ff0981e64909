using System.Collections.Concurrent;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Operations;

namespace ChatBackup.Testing.Chat;

/// <summary>A chat platform that keeps every message it is asked to send, for the core's tests.</summary>
public sealed class RecordingChatGateway(string platform = "slack") : IChatGateway
{
    private int _next;

    public string Platform { get; } = platform;

    public ConcurrentQueue<SentMessage> Sent { get; } = new();

    public IReadOnlyList<SentMessage> OfKind(string kind) => Sent.Where(m => m.Kind == kind).ToList();

    public Task<string> PostCardAsync(ConversationRef conversation, Card card, CancellationToken cancellationToken)
    {
        var id = $"msg-{Interlocked.Increment(ref _next)}";
        Sent.Enqueue(new SentMessage("post", conversation, id, card));
        return Task.FromResult(id);
    }

    public Task UpdateCardAsync(ConversationRef conversation, string messageId, Card card, CancellationToken cancellationToken)
    {
        Sent.Enqueue(new SentMessage("update", conversation, messageId, card));
        return Task.CompletedTask;
    }

    public Task PostNotificationAsync(ConversationRef conversation, string? cardMessageId, Card card, CancellationToken cancellationToken)
    {
        Sent.Enqueue(new SentMessage("notify", conversation, cardMessageId, card));
        return Task.CompletedTask;
    }

    public Task PostPrivateAsync(ConversationRef conversation, string userId, Card card, CancellationToken cancellationToken)
    {
        Sent.Enqueue(new SentMessage("private", conversation, userId, card));
        return Task.CompletedTask;
    }

    public sealed record SentMessage(string Kind, ConversationRef Conversation, string? Target, Card Card);
}
