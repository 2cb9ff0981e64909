using System.Collections.Concurrent;
using System.Globalization;
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

    /// <summary>
    /// Messages asked for per look-up page: the most <c>conversations.history</c>/<c>replies</c> serve apps
    /// outside the Slack Marketplace since 2025 (which also get 1 request a minute).
    /// </summary>
    public const int LookupPageSize = 15;

    /// <summary>Pages one look-up reads before it gives up and lets the message be posted again.</summary>
    public const int MaxLookupPages = 3;

    private const string OperationIdField = "operation_id";
    private const string PurposeField = "purpose";

    /// <summary>Our clock and Slack's may disagree a little; looking a bit further back costs nothing.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(2);

    /// <summary>The longest throttling waited out between two pages of one look-up (Tier 1 is per minute).</summary>
    private static readonly TimeSpan MaxPageWait = TimeSpan.FromSeconds(61);

    /// <summary>Channels and errors already warned about, so a missing scope is logged once per process, not per look-up.</summary>
    private static readonly ConcurrentDictionary<string, bool> WarnedCannotLook = new(StringComparer.Ordinal);

    public string Platform => "slack";

    /// <summary><c>Slack:FindLostPosts</c>: needs the <c>channels:history</c>/<c>groups:history</c> scopes.</summary>
    public bool CanFindPosted => options.Value.FindLostPosts;

    /// <summary>
    /// Posts are paced per channel (Slack allows about one message per second in a channel);
    /// updates are Tier 3 per workspace, so they share one lane that only pauses on a 429.
    /// </summary>
    public IReadOnlyList<ChatLane> LanesFor(ConversationRef conversation, ChatCall call) => call switch
    {
        ChatCall.Post => [new ChatLane($"slack:{conversation.TeamId}:{conversation.ChannelId}", [new ChatRate(options.Value.PostsPerSecondPerChannel, TimeSpan.FromSeconds(1))])],
        _ => [new ChatLane($"slack:{conversation.TeamId}:updates", [])],
    };

    /// <summary>
    /// Reads the channel (<c>conversations.history</c>) or the card's thread (<c>conversations.replies</c>)
    /// from <paramref name="since"/> on, at most <see cref="MaxLookupPages"/> pages, for a message whose
    /// metadata carries <paramref name="mark"/>. Null means "not there, post it": also when it cannot be
    /// known because the bot may not read the channel (warned once) or the card went through response_url.
    /// Throttling and faults throw a retryable <see cref="ChatDeliveryException"/>: look again later, do not post.
    /// </summary>
    public async Task<string?> FindPostedAsync(
        ConversationRef conversation, string? threadMessageId, MessageMark mark, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (!options.Value.FindLostPosts || (threadMessageId is not null && IsResponseUrlMarker(threadMessageId)))
        {
            return null;
        }

        var oldest = ToSlackTs(since > DateTimeOffset.MinValue + ClockSkew ? since - ClockSkew : since);
        string? cursor = null;
        try
        {
            for (var page = 1; page <= MaxLookupPages; page++)
            {
                var found = await ReadPageAsync(conversation.ChannelId, threadMessageId, oldest, cursor, waitOutThrottling: page > 1, cancellationToken);
                if (found.Messages.FirstOrDefault(m => IsMarked(m, mark)) is { Ts: { } ts })
                {
                    return ts;
                }

                cursor = found.NextCursor;
                if (cursor is null)
                {
                    return null;
                }
            }

            logger.LookupGaveUp(conversation.ChannelId, MaxLookupPages, mark.Purpose, mark.OperationId);
            return null;
        }
        catch (SlackApiException e) when (e.Error is "missing_scope" or "not_in_channel" or "channel_not_found")
        {
            if (WarnedCannotLook.TryAdd($"{conversation.ChannelId}|{e.Error}", true))
            {
                logger.CannotLookForLostPosts(conversation.ChannelId, e.Error, Remedy(e));
            }

            return null;
        }
        catch (SlackApiException e) when (e.Error == "thread_not_found")
        {
            // The card is gone (deleted), so no reply under it exists either.
            return null;
        }
        catch (Exception e) when (Map(e, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<string> PostCardAsync(ConversationRef conversation, Card card, MessageMark? mark, CancellationToken cancellationToken)
    {
        var message = renderer.Render(card);
        try
        {
            return await api.PostMessageAsync(conversation.ChannelId, message.Text, message.Blocks, metadata: MetadataOf(mark), cancellationToken: cancellationToken);
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
                metadata: MetadataOf(mark),
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

    /// <summary>A time as a Slack message timestamp (<c>seconds.microseconds</c>), for <c>oldest</c>/<c>latest</c>.</summary>
    public static string ToSlackTs(DateTimeOffset at)
    {
        var micros = Math.Max(0, (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond);
        return string.Create(CultureInfo.InvariantCulture, $"{micros / 1_000_000}.{micros % 1_000_000:D6}");
    }

    private static SlackMessageMetadata? MetadataOf(MessageMark? mark) =>
        mark is null
            ? null
            : SlackMessageMetadata.Of(MessageMark.EventType, new Dictionary<string, string>
            {
                [OperationIdField] = mark.OperationId,
                [PurposeField] = mark.Purpose,
            });

    private static bool IsMarked(SlackHistoryMessage message, MessageMark mark) =>
        message.Metadata is { EventType: MessageMark.EventType } metadata
        && metadata.PayloadString(OperationIdField) == mark.OperationId
        && metadata.PayloadString(PurposeField) == mark.Purpose;

    private Task<SlackMessagePage> ReadOnceAsync(string channel, string? threadTs, string oldest, string? cursor, CancellationToken cancellationToken) =>
        threadTs is null
            ? api.HistoryAsync(channel, oldest, LookupPageSize, cursor, cancellationToken)
            : api.RepliesAsync(channel, threadTs, oldest, LookupPageSize, cursor, cancellationToken);

    private async Task<SlackMessagePage> ReadPageAsync(
        string channel, string? threadTs, string oldest, string? cursor, bool waitOutThrottling, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadOnceAsync(channel, threadTs, oldest, cursor, cancellationToken);
        }
        catch (SlackApiException e) when (waitOutThrottling && e.Error == "ratelimited" && (e.RetryAfter ?? TimeSpan.Zero) <= MaxPageWait)
        {
            // Past the first page, starting the look-up over later would spend the same requests and meet
            // the same limit again (1 a minute), so this one wait is cheaper; a second 429 goes to the caller.
            var delay = e.RetryAfter ?? TimeSpan.FromSeconds(1);
            logger.ApiRetry(e.Method, 429, 1, delay);
            await Task.Delay(delay, timeProvider, cancellationToken);
            return await ReadOnceAsync(channel, threadTs, oldest, cursor, cancellationToken);
        }
    }

    private static string Remedy(SlackApiException e) => e.Error switch
    {
        "missing_scope" => $"grant the bot scope {e.Needed ?? "channels:history (public channels) / groups:history (private channels)"} and reinstall the app",
        "not_in_channel" => "invite the bot to the channel (/invite @ChatBackup); Slack lets a bot read only channels it is in",
        _ => "the bot cannot see the channel; for a private channel grant groups:history and invite the bot",
    };

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
