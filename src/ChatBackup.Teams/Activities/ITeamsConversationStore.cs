using System.Collections.Concurrent;
using ChatBackup.Core.Operations;

namespace ChatBackup.Teams.Activities;

/// <summary>
/// Conversations the bot was added to, so it can post there later (proactive messages need the
/// serviceUrl, conversation id and tenant). In memory for now; a durable store can replace it.
/// </summary>
public interface ITeamsConversationStore
{
    Task SaveAsync(ConversationRef conversation, CancellationToken cancellationToken);

    Task<ConversationRef?> FindAsync(string conversationId, CancellationToken cancellationToken);
}

public sealed class InMemoryTeamsConversationStore : ITeamsConversationStore
{
    private readonly ConcurrentDictionary<string, ConversationRef> _conversations = new(StringComparer.Ordinal);

    public Task SaveAsync(ConversationRef conversation, CancellationToken cancellationToken)
    {
        _conversations[conversation.ChannelId] = conversation;
        return Task.CompletedTask;
    }

    public Task<ConversationRef?> FindAsync(string conversationId, CancellationToken cancellationToken) =>
        Task.FromResult(_conversations.GetValueOrDefault(conversationId));
}
