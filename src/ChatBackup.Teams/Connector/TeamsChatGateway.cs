using ChatBackup.Core.Cards;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Operations;
using ChatBackup.Teams.Activities;
using ChatBackup.Teams.AdaptiveCards;
using ChatBackup.Teams.Graph;
using Microsoft.Extensions.Options;

namespace ChatBackup.Teams.Connector;

/// <summary>
/// Delivers operation cards to Teams through the Bot Connector. Cards are replies to the message
/// that asked (so they sit in its thread in a channel) and are updated in place with PUT. A post
/// given a <see cref="MessageMark"/> carries it in its card, and <see cref="FindPostedAsync"/> finds it
/// again through Microsoft Graph (<see cref="GraphMessageFinder"/>).
/// </summary>
/// <remarks>
/// Teams bots cannot send ephemeral messages in channels or group chats, so
/// <see cref="PostPrivateAsync"/> answers in the conversation like everything else; in a personal
/// chat that is private anyway. Cards therefore never carry secrets.
/// </remarks>
public sealed class TeamsChatGateway(ConnectorClient connector, AdaptiveCardRenderer renderer, GraphMessageFinder finder, IOptions<TeamsOptions> options) : IChatGateway
{
    public string Platform => "teams";

    /// <summary>
    /// True with <see cref="TeamsOptions.FindLostPosts"/> on and a registered bot (an App ID, not
    /// anonymous): Graph needs the app's own token. Personal chats still answer "not found".
    /// </summary>
    public bool CanFindPosted => options.Value is { FindLostPosts: true, Anonymous: false, AppId.Length: > 0 };

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

    /// <summary>
    /// The activity id of the message marked <paramref name="mark"/> in the conversation (in a channel:
    /// in the thread of the conversation id's <c>messageid</c>, else of <paramref name="threadMessageId"/>,
    /// else at the top level), created at or after <paramref name="since"/> less
    /// <see cref="GraphMessageFinder.ClockSkew"/>. Null when there is none or the bot cannot look (see
    /// <see cref="GraphMessageFinder"/>); a retryable <see cref="ChatDeliveryException"/> when Graph is
    /// throttling or failing.
    /// </summary>
    public Task<string?> FindPostedAsync(
        ConversationRef conversation, string? threadMessageId, MessageMark mark, DateTimeOffset since, CancellationToken cancellationToken) =>
        CanFindPosted
            ? finder.FindAsync(conversation, threadMessageId, mark, since, cancellationToken)
            : Task.FromResult<string?>(null);

    public Task<string> PostCardAsync(ConversationRef conversation, Card card, MessageMark? mark, CancellationToken cancellationToken) =>
        DeliverAsync(() => PostAsync(conversation, conversation.ReplyToId, card, mark, cancellationToken), cancellationToken);

    public Task UpdateCardAsync(ConversationRef conversation, string messageId, Card card, CancellationToken cancellationToken) =>
        DeliverAsync(
            async () =>
            {
                await connector.UpdateAsync(ServiceUrl(conversation), conversation.ChannelId, messageId, Message(card), cancellationToken);
                return messageId;
            },
            cancellationToken);

    public Task PostNotificationAsync(ConversationRef conversation, string? cardMessageId, Card card, MessageMark? mark, CancellationToken cancellationToken) =>
        DeliverAsync(() => PostAsync(conversation, cardMessageId ?? conversation.ReplyToId, card, mark, cancellationToken), cancellationToken);

    public Task PostPrivateAsync(ConversationRef conversation, string userId, Card card, CancellationToken cancellationToken) =>
        DeliverAsync(() => PostAsync(conversation, conversation.ReplyToId, card, null, cancellationToken), cancellationToken);

    /// <summary>A message activity carrying the card (marked when <paramref name="mark"/> is given); <c>summary</c> is what notifications show.</summary>
    public Activity Message(Card card, MessageMark? mark = null) => new()
    {
        Type = "message",
        Summary = card.FallbackText,
        Attachments = [renderer.RenderAttachment(card, mark)],
    };

    private Task<string> PostAsync(ConversationRef conversation, string? replyToId, Card card, MessageMark? mark, CancellationToken cancellationToken) =>
        replyToId is null
            ? connector.SendAsync(ServiceUrl(conversation), conversation.ChannelId, Message(card, mark), cancellationToken)
            : connector.ReplyAsync(ServiceUrl(conversation), conversation.ChannelId, replyToId, Message(card, mark), cancellationToken);

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
