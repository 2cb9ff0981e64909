using ChatBackup.Core.Cards;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Operations;
using ChatBackup.Teams.Activities;
using ChatBackup.Teams.AdaptiveCards;

namespace ChatBackup.Teams.Connector;

/// <summary>
/// Delivers operation cards to Teams through the Bot Connector. Cards are replies to the message
/// that asked (so they sit in its thread in a channel) and are updated in place with PUT.
/// </summary>
/// <remarks>
/// Teams bots cannot send ephemeral messages in channels or group chats, so
/// <see cref="PostPrivateAsync"/> answers in the conversation like everything else; in a personal
/// chat that is private anyway. Cards therefore never carry secrets.
/// </remarks>
public sealed class TeamsChatGateway(ConnectorClient connector, AdaptiveCardRenderer renderer, Microsoft.Extensions.Options.IOptions<TeamsOptions> options) : IChatGateway
{
    public string Platform => "teams";

    public bool CanFindPosted => false;

    /// <summary>
    /// Teams limits a bot per conversation to 7 sends per second, 8 per 2 s, 60 per 30 s and 1800 per
    /// hour (updates count as sends), and to 30 per second per tenant across conversations.
    /// </summary>
    public IReadOnlyList<ChatLane> LanesFor(ConversationRef conversation, ChatCall call)
    {
        var perSecond = options.Value.SendsPerSecondPerConversation;
        return
        [
            new ChatLane(
                $"teams:{conversation.ChannelId}",
                [
                    new ChatRate(perSecond, TimeSpan.FromSeconds(1)),
                    new ChatRate(Scaled(8, perSecond), TimeSpan.FromSeconds(2)),
                    new ChatRate(Scaled(60, perSecond), TimeSpan.FromSeconds(30)),
                    new ChatRate(Scaled(1800, perSecond), TimeSpan.FromHours(1)),
                ]),
            new ChatLane($"teams:tenant:{conversation.TenantId}", [new ChatRate(Scaled(30, perSecond), TimeSpan.FromSeconds(1))]),
        ];
    }

    public Task<string?> FindPostedAsync(
        ConversationRef conversation, string? threadMessageId, MessageMark mark, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);

    public Task<string> PostCardAsync(ConversationRef conversation, Card card, MessageMark? mark, CancellationToken cancellationToken) =>
        DeliverAsync(() => PostAsync(conversation, conversation.ReplyToId, card, cancellationToken), cancellationToken);

    public Task UpdateCardAsync(ConversationRef conversation, string messageId, Card card, CancellationToken cancellationToken) =>
        DeliverAsync(
            async () =>
            {
                await connector.UpdateAsync(ServiceUrl(conversation), conversation.ChannelId, messageId, Message(card), cancellationToken);
                return messageId;
            },
            cancellationToken);

    public Task PostNotificationAsync(ConversationRef conversation, string? cardMessageId, Card card, MessageMark? mark, CancellationToken cancellationToken) =>
        DeliverAsync(() => PostAsync(conversation, cardMessageId ?? conversation.ReplyToId, card, cancellationToken), cancellationToken);

    public Task PostPrivateAsync(ConversationRef conversation, string userId, Card card, CancellationToken cancellationToken) =>
        DeliverAsync(() => PostAsync(conversation, conversation.ReplyToId, card, cancellationToken), cancellationToken);

    /// <summary>A message activity carrying the card; <c>summary</c> is what notifications show.</summary>
    public Activity Message(Card card) => new()
    {
        Type = "message",
        Summary = card.FallbackText,
        Attachments = [renderer.RenderAttachment(card)],
    };

    private Task<string> PostAsync(ConversationRef conversation, string? replyToId, Card card, CancellationToken cancellationToken) =>
        replyToId is null
            ? connector.SendAsync(ServiceUrl(conversation), conversation.ChannelId, Message(card), cancellationToken)
            : connector.ReplyAsync(ServiceUrl(conversation), conversation.ChannelId, replyToId, Message(card), cancellationToken);

    private static int Scaled(int limit, int perSecond) => (int)Math.Clamp((long)limit * perSecond / 7, 1, int.MaxValue);

    private static string ServiceUrl(ConversationRef conversation) =>
        conversation.ServiceUrl ?? throw new ChatDeliveryException("InvalidServiceUrl", "The Teams conversation has no serviceUrl.", isRetryable: false);

    private static async Task<string> DeliverAsync(Func<Task<string>> send, CancellationToken cancellationToken)
    {
        try
        {
            return await send();
        }
        catch (ConnectorException e)
        {
            throw new ChatDeliveryException(e.Code, e.Message, e.IsRetryable, e.RetryAfter, e);
        }
        catch (Microsoft.Identity.Client.MsalException e)
        {
            var retryable = e is Microsoft.Identity.Client.MsalServiceException { StatusCode: >= 500 or 429 };
            throw new ChatDeliveryException("TokenUnavailable", $"Could not get a Bot Framework token: {e.ErrorCode}", retryable, inner: e);
        }
        catch (HttpRequestException e)
        {
            throw new ChatDeliveryException("NetworkError", e.Message, isRetryable: true, inner: e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChatDeliveryException("Timeout", "The Bot Connector did not answer in time.", isRetryable: true, inner: e);
        }
    }
}
