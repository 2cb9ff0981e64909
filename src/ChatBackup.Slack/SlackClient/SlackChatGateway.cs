using ChatBackup.Core.Cards;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Operations;
using ChatBackup.Slack.BlockKit;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Slack.SlackClient;

/// <summary>
/// Delivers operation cards to Slack. Cards are channel messages updated in place; when the bot
/// cannot post in the channel, the requester gets them privately through <c>response_url</c>
/// and the returned message id is a <see cref="ResponseUrlMarker"/> so updates follow the same path.
/// </summary>
public sealed class SlackChatGateway(SlackApiClient api, BlockKitRenderer renderer, Microsoft.Extensions.Options.IOptions<SlackOptions> options, TimeProvider timeProvider, ILogger<SlackChatGateway> logger)
    : IChatGateway
{
    /// <summary>Prefix of message ids that stand for "the message behind the conversation's response_url".</summary>
    public const string ResponseUrlMarker = "ru:";

    internal const string NotInChannelNotice =
        "I can't post in this channel: invite me with `/invite @ChatBackup` (or add the app in the channel details), " +
        "then I can keep everyone up to date. Meanwhile your request goes ahead and I'll update this private message for the next 30 minutes.";

    public string Platform => "slack";

    public bool CanFindPosted => false;

    /// <summary>
    /// Posts are paced per channel (Slack allows about one message per second in a channel);
    /// updates are Tier 3 per workspace, so they share one lane that only pauses on a 429.
    /// </summary>
    public IReadOnlyList<ChatLane> LanesFor(ConversationRef conversation, ChatCall call) => call switch
    {
        ChatCall.Post => [new ChatLane($"slack:{conversation.TeamId}:{conversation.ChannelId}", [new ChatRate(options.Value.PostsPerSecondPerChannel, TimeSpan.FromSeconds(1))])],
        _ => [new ChatLane($"slack:{conversation.TeamId}:updates", [])],
    };

    public Task<string?> FindPostedAsync(
        ConversationRef conversation, string? threadMessageId, MessageMark mark, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);

    public async Task<string> PostCardAsync(ConversationRef conversation, Card card, MessageMark? mark, CancellationToken cancellationToken)
    {
        var message = renderer.Render(card);
        try
        {
            return await api.PostMessageAsync(conversation.ChannelId, message.Text, message.Blocks, cancellationToken: cancellationToken);
        }
        catch (SlackApiException e) when (e.Error is "not_in_channel" or "channel_not_found" && !string.IsNullOrEmpty(conversation.ResponseUrl))
        {
            logger.NotInChannelFallback(conversation.ChannelId, e.Error);
            var explained = renderer.Render(card, NotInChannelNotice);
            try
            {
                await api.PostToResponseUrlAsync(
                    conversation.ResponseUrl,
                    new SlackResponseMessage(explained.Text, explained.Blocks, SlackResponseMessage.Ephemeral, ReplaceOriginal: false),
                    cancellationToken);
            }
            catch (Exception fallbackError) when (fallbackError is SlackApiException or HttpRequestException)
            {
                logger.ResponseUrlFailed("card", fallbackError);
                throw new ChatDeliveryException(e.Error, e.Message, isRetryable: false, inner: e);
            }

            return ResponseUrlMarker + timeProvider.GetUtcNow().ToUnixTimeSeconds();
        }
        catch (Exception e) when (Map(e, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task UpdateCardAsync(ConversationRef conversation, string messageId, Card card, CancellationToken cancellationToken)
    {
        var message = renderer.Render(card);
        if (IsResponseUrlMarker(messageId))
        {
            await PostViaResponseUrlAsync(
                conversation,
                "card update",
                new SlackResponseMessage(message.Text, message.Blocks, SlackResponseMessage.Ephemeral, ReplaceOriginal: true),
                cancellationToken);
            return;
        }

        try
        {
            await api.UpdateAsync(conversation.ChannelId, messageId, message.Text, message.Blocks, cancellationToken);
        }
        catch (Exception e) when (Map(e, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task PostNotificationAsync(ConversationRef conversation, string? cardMessageId, Card card, MessageMark? mark, CancellationToken cancellationToken)
    {
        var message = renderer.Render(card);
        if (cardMessageId is not null && IsResponseUrlMarker(cardMessageId))
        {
            await PostViaResponseUrlAsync(
                conversation,
                "notification",
                new SlackResponseMessage(message.Text, message.Blocks, SlackResponseMessage.InChannel, ReplaceOriginal: false),
                cancellationToken);
            return;
        }

        try
        {
            await api.PostMessageAsync(
                conversation.ChannelId,
                message.Text,
                message.Blocks,
                threadTs: cardMessageId,
                replyBroadcast: cardMessageId is null ? null : true,
                cancellationToken: cancellationToken);
        }
        catch (Exception e) when (Map(e, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task PostPrivateAsync(ConversationRef conversation, string userId, Card card, CancellationToken cancellationToken)
    {
        var message = renderer.Render(card);
        try
        {
            await api.PostEphemeralAsync(conversation.ChannelId, userId, message.Text, message.Blocks, cancellationToken);
        }
        catch (Exception e) when (Map(e, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public static bool IsResponseUrlMarker(string messageId) => messageId.StartsWith(ResponseUrlMarker, StringComparison.Ordinal);

    /// <summary>response_url lasts 30 minutes and 5 uses; past that the operation still runs, so failures are only logged.</summary>
    private async Task PostViaResponseUrlAsync(ConversationRef conversation, string what, SlackResponseMessage message, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(conversation.ResponseUrl))
        {
            logger.NoResponseUrl(what);
            return;
        }

        try
        {
            await api.PostToResponseUrlAsync(conversation.ResponseUrl, message, cancellationToken);
        }
        catch (Exception e) when (e is SlackApiException or HttpRequestException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.ResponseUrlFailed(what, e);
        }
    }

    /// <summary>Turns transport and API failures into the core's exception; null leaves the exception alone (caller cancellation).</summary>
    private static ChatDeliveryException? Map(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        ChatDeliveryException => null,
        SlackApiException e => new ChatDeliveryException(e.Error, e.Message, e.IsRetryable, e.RetryAfter, e),
        HttpRequestException e => new ChatDeliveryException("network", $"Slack could not be reached: {e.Message}", isRetryable: true, inner: e),
        OperationCanceledException e when !cancellationToken.IsCancellationRequested =>
            new ChatDeliveryException("timeout", "Slack did not answer in time.", isRetryable: true, inner: e),
        _ => null,
    };
}
