using System.Text.Json.Nodes;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Operations;
using ChatBackup.Slack;
using ChatBackup.Slack.BlockKit;
using ChatBackup.Slack.SlackClient;
using ChatBackup.Testing.Slack;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatBackup.UnitTests.Slack;

/// <summary>
/// Finding a message again whose <c>chat.postMessage</c> answer was lost in a crash, against a fake Slack
/// that keeps what was posted and serves <c>conversations.history</c>/<c>conversations.replies</c>.
/// </summary>
public sealed class SlackFindPostedTests : IAsyncLifetime
{
    private const string Token = "xoxb-find-token";
    private static readonly Card Card = new("Create AMI", CardTone.InProgress, [new TextBlock("Creating image")], "Creating AMI of web-01");
    private static readonly MessageMark CardMark = new("op-1", MessageMark.Card);
    private static readonly MessageMark NotificationMark = new("op-1", MessageMark.Notification);

    private readonly FixedTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));
    private readonly ListLogger<SlackChatGateway> _log = new();
    private RecordingSlackServer _slack = null!;
    private ConversationRef _conversation = null!;

    public async Task InitializeAsync()
    {
        _slack = await RecordingSlackServer.StartAsync(_clock);

        // A channel of its own per test: "cannot look" is warned once per channel and process.
        _conversation = new ConversationRef("slack", "C" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), ResponseUrl: _slack.ResponseUrl("cmd-1"), TeamId: "T1");
    }

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    [Fact]
    public async Task FindPosted_ReturnsTheCard_FoundByItsMarkInChannelHistory()
    {
        var gateway = Gateway();
        var since = _clock.Now;
        var cardTs = await gateway.PostCardAsync(_conversation, Card, CardMark, CancellationToken.None);
        await PostOthersAsync(3);

        var found = await gateway.FindPostedAsync(_conversation, null, CardMark, since, CancellationToken.None);

        Assert.Equal(cardTs, found);
        var read = Assert.Single(_slack.Calls, c => c.Method == "conversations.history");
        Assert.Equal(_conversation.ChannelId, read["channel"]);
        Assert.Equal(SlackChatGateway.ToSlackTs(since - TimeSpan.FromSeconds(2)), read["oldest"]);
        Assert.Equal("true", read["inclusive"]);
        Assert.Equal("true", read["include_all_metadata"]);
        Assert.Equal("15", read["limit"]);
        Assert.Equal($"Bearer {Token}", read.Authorization);
        Assert.StartsWith("application/x-www-form-urlencoded", read.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindPosted_ReturnsTheBroadcastNotification_FoundInTheCardsThread()
    {
        var gateway = Gateway();
        var cardTs = await gateway.PostCardAsync(_conversation, Card, CardMark, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(10));
        var since = _clock.Now;
        _slack.AddMessage(_conversation.ChannelId, Ts(TimeSpan.FromSeconds(1)), "a person's reply", threadTs: cardTs);
        await gateway.PostNotificationAsync(_conversation, cardTs, Card, NotificationMark, CancellationToken.None);
        var notificationTs = _slack.Messages[^1].Ts;

        var found = await gateway.FindPostedAsync(_conversation, cardTs, NotificationMark, since, CancellationToken.None);

        Assert.Equal(notificationTs, found);
        var read = Assert.Single(_slack.Calls, c => c.Method == "conversations.replies");
        Assert.Equal(cardTs, read["ts"]);
        Assert.Equal(_conversation.ChannelId, read["channel"]);
        Assert.Equal("true", read["include_all_metadata"]);
        Assert.DoesNotContain(_slack.Calls, c => c.Method == "conversations.history");
    }

    [Fact]
    public async Task FindPosted_ReturnsNull_WhenTheMessageWasNeverPosted()
    {
        var gateway = Gateway();
        var since = _clock.Now;
        await PostOthersAsync(4);

        Assert.Null(await gateway.FindPostedAsync(_conversation, null, CardMark, since, CancellationToken.None));
    }

    [Fact]
    public async Task FindPosted_IgnoresMarksOfOtherOperationsAndPurposes_AndOtherEventTypes()
    {
        var gateway = Gateway();
        var since = _clock.Now;
        await gateway.PostCardAsync(_conversation, Card, new MessageMark("op-2", MessageMark.Card), CancellationToken.None);
        await gateway.PostNotificationAsync(_conversation, null, Card, NotificationMark, CancellationToken.None);
        await gateway.PostNotificationAsync(_conversation, null, Card, new MessageMark("op-1", MessageMark.CopyNotification), CancellationToken.None);
        _slack.AddMessage(_conversation.ChannelId, Ts(TimeSpan.FromSeconds(1)), "another app", metadata: Metadata("someone_elses_event", "op-1", MessageMark.Card));
        _slack.AddMessage(_conversation.ChannelId, Ts(TimeSpan.FromSeconds(2)), "odd payload", metadata: JsonNode.Parse(
            """{"event_type":"chatbackup_message","event_payload":{"operation_id":1,"purpose":["card"]}}"""));

        Assert.Null(await gateway.FindPostedAsync(_conversation, null, CardMark, since, CancellationToken.None));

        var cardTs = await gateway.PostCardAsync(_conversation, Card, CardMark, CancellationToken.None);
        Assert.Equal(cardTs, await gateway.FindPostedAsync(_conversation, null, CardMark, since, CancellationToken.None));
    }

    [Fact]
    public async Task FindPosted_IgnoresAMarkedMessageFromBeforeSince()
    {
        var gateway = Gateway();
        _slack.AddMessage(_conversation.ChannelId, Ts(TimeSpan.FromMinutes(-5)), "an older post", metadata: Metadata(MessageMark.EventType, "op-1", MessageMark.Card));

        Assert.Null(await gateway.FindPostedAsync(_conversation, null, CardMark, _clock.Now, CancellationToken.None));
    }

    [Fact]
    public async Task FindPosted_FindsAPostStampedUpToTwoSecondsBeforeSince_ForClockSkew()
    {
        var gateway = Gateway();
        var skewed = _slack.AddMessage(_conversation.ChannelId, Ts(TimeSpan.FromSeconds(-1.5)), "Slack's clock is behind", metadata: Metadata(MessageMark.EventType, "op-1", MessageMark.Card));

        Assert.Equal(skewed.Ts, await gateway.FindPostedAsync(_conversation, null, CardMark, _clock.Now, CancellationToken.None));
    }

    [Fact]
    public async Task FindPosted_FollowsTheCursor_WhenTheCardIsOnALaterPage()
    {
        var gateway = Gateway();
        var since = _clock.Now;
        var cardTs = await gateway.PostCardAsync(_conversation, Card, CardMark, CancellationToken.None);
        await PostOthersAsync(20); // history is newest first: the card is on page 2

        var found = await gateway.FindPostedAsync(_conversation, null, CardMark, since, CancellationToken.None);

        Assert.Equal(cardTs, found);
        var reads = _slack.Calls.Where(c => c.Method == "conversations.history").ToList();
        Assert.Equal(2, reads.Count);
        Assert.Null(reads[0]["cursor"]);
        Assert.False(string.IsNullOrEmpty(reads[1]["cursor"]));
        Assert.Equal(reads[0]["oldest"], reads[1]["oldest"]);
    }

    [Fact]
    public async Task FindPosted_GivesUpAfterThreePages_AndSaysSo()
    {
        var gateway = Gateway();
        var since = _clock.Now;
        await gateway.PostCardAsync(_conversation, Card, CardMark, CancellationToken.None);
        await PostOthersAsync(3 * SlackChatGateway.LookupPageSize);

        Assert.Null(await gateway.FindPostedAsync(_conversation, null, CardMark, since, CancellationToken.None));

        Assert.Equal(SlackChatGateway.MaxLookupPages, _slack.Calls.Count(c => c.Method == "conversations.history"));
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("posted again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FindPosted_RateLimitedOnTheFirstPage_ThrowsRetryable_WithSlacksRetryAfter_AtOnce()
    {
        var gateway = Gateway();
        _slack.RateLimitNext("conversations.history", retryAfterSeconds: 45);

        var e = await Assert.ThrowsAsync<ChatDeliveryException>(() =>
            gateway.FindPostedAsync(_conversation, null, CardMark, _clock.Now, CancellationToken.None));

        Assert.Equal("ratelimited", e.Code);
        Assert.True(e.IsRetryable);
        Assert.Equal(TimeSpan.FromSeconds(45), e.RetryAfter);
        Assert.Single(_slack.Calls); // no waiting inside: Tier 1 allows one call a minute
    }

    [Fact]
    public async Task FindPosted_RateLimitedOnALaterPage_WaitsOnce_AndCarriesOn()
    {
        var gateway = Gateway();
        var since = _clock.Now;
        var cardTs = await gateway.PostCardAsync(_conversation, Card, CardMark, CancellationToken.None);
        await PostOthersAsync(20);
        _slack.RateLimitNext("conversations.history", retryAfterSeconds: 1, afterCalls: 1);

        Assert.Equal(cardTs, await gateway.FindPostedAsync(_conversation, null, CardMark, since, CancellationToken.None));

        var reads = _slack.Calls.Where(c => c.Method == "conversations.history").ToList();
        Assert.Equal([200, 429, 200], reads.Select(c => c.StatusCode));
        Assert.Equal(reads[1]["cursor"], reads[2]["cursor"]);
    }

    [Fact]
    public async Task FindPosted_RateLimitedTwiceOnALaterPage_ThrowsRetryable()
    {
        var gateway = Gateway();
        var since = _clock.Now;
        await gateway.PostCardAsync(_conversation, Card, CardMark, CancellationToken.None);
        await PostOthersAsync(20);
        _slack.RateLimitNext("conversations.history", retryAfterSeconds: 1, afterCalls: 1);
        _slack.RateLimitNext("conversations.history", retryAfterSeconds: 1);

        var e = await Assert.ThrowsAsync<ChatDeliveryException>(() =>
            gateway.FindPostedAsync(_conversation, null, CardMark, since, CancellationToken.None));

        Assert.Equal("ratelimited", e.Code);
        Assert.True(e.IsRetryable);
        Assert.Equal(3, _slack.Calls.Count(c => c.Method == "conversations.history"));
    }

    [Fact]
    public async Task FindPosted_ServerErrors_AreRetriedInside_ThenThrowRetryable()
    {
        var gateway = Gateway();
        var since = _clock.Now;
        var cardTs = await gateway.PostCardAsync(_conversation, Card, CardMark, CancellationToken.None);
        _slack.ServerErrorNext("conversations.history", 503);
        Assert.Equal(cardTs, await gateway.FindPostedAsync(_conversation, null, CardMark, since, CancellationToken.None));

        for (var i = 0; i <= SlackApiClient.MaxRetries; i++)
        {
            _slack.ServerErrorNext("conversations.history", 502);
        }

        var e = await Assert.ThrowsAsync<ChatDeliveryException>(() =>
            gateway.FindPostedAsync(_conversation, null, CardMark, since, CancellationToken.None));
        Assert.Equal("http_502", e.Code);
        Assert.True(e.IsRetryable);
    }

    [Fact]
    public async Task FindPosted_WhenSlackCannotBeReached_ThrowsRetryable()
    {
        var unreachable = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/api/") };
        var gateway = Gateway(http: unreachable);

        var e = await Assert.ThrowsAsync<ChatDeliveryException>(() =>
            gateway.FindPostedAsync(_conversation, null, CardMark, _clock.Now, CancellationToken.None));

        Assert.Equal("network", e.Code);
        Assert.True(e.IsRetryable);
    }

    [Fact]
    public async Task FindPosted_WithoutTheHistoryScope_ReturnsNull_AndWarnsOnceNamingTheScope()
    {
        var gateway = Gateway();
        _slack.MissingScopeNext("conversations.history", needed: "channels:history");
        _slack.MissingScopeNext("conversations.history", needed: "channels:history");

        Assert.Null(await gateway.FindPostedAsync(_conversation, null, CardMark, _clock.Now, CancellationToken.None));
        Assert.Null(await gateway.FindPostedAsync(_conversation, null, NotificationMark, _clock.Now, CancellationToken.None));

        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("channels:history", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Slack:FindLostPosts=false", warning.Message, StringComparison.Ordinal);
        Assert.Contains(_conversation.ChannelId, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not_in_channel", "/invite @ChatBackup")]
    [InlineData("channel_not_found", "groups:history")]
    public async Task FindPosted_WhenTheBotMayNotReadTheChannel_ReturnsNull_AndSaysWhatToDo(string error, string advice)
    {
        _slack.FailNext("conversations.replies", error);

        Assert.Null(await Gateway().FindPostedAsync(_conversation, "1700000000.000101", NotificationMark, _clock.Now, CancellationToken.None));

        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(advice, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindPosted_UnderACardThatIsGone_ReturnsNull()
    {
        Assert.Null(await Gateway().FindPostedAsync(_conversation, "1600000000.000001", NotificationMark, _clock.Now, CancellationToken.None));
        Assert.Equal("thread_not_found", Assert.Single(_slack.Calls).Error);
    }

    [Fact]
    public async Task FindPosted_InvalidAuth_ThrowsNonRetryable()
    {
        _slack.FailNext("conversations.history", "invalid_auth");

        var e = await Assert.ThrowsAsync<ChatDeliveryException>(() =>
            Gateway().FindPostedAsync(_conversation, null, CardMark, _clock.Now, CancellationToken.None));

        Assert.Equal("invalid_auth", e.Code);
        Assert.False(e.IsRetryable);
    }

    [Fact]
    public async Task FindPosted_UnderACardDeliveredThroughResponseUrl_ReturnsNull_WithoutCallingSlack()
    {
        Assert.Null(await Gateway().FindPostedAsync(_conversation, SlackChatGateway.ResponseUrlMarker + "1", NotificationMark, _clock.Now, CancellationToken.None));
        Assert.Empty(_slack.Calls);
    }

    [Fact]
    public async Task FindLostPostsOff_CannotFindPosted_AndNeverReadsTheChannel()
    {
        var gateway = Gateway(findLostPosts: false);
        var since = _clock.Now;
        await gateway.PostCardAsync(_conversation, Card, CardMark, CancellationToken.None);

        Assert.False(gateway.CanFindPosted);
        Assert.True(Gateway().CanFindPosted);
        Assert.True(new SlackOptions().FindLostPosts);
        Assert.Null(await gateway.FindPostedAsync(_conversation, null, CardMark, since, CancellationToken.None));
        Assert.DoesNotContain(_slack.Calls, c => c.Method.StartsWith("conversations.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, "0.000000")]
    [InlineData(1_700_000_000_123_456, "1700000000.123456")]
    [InlineData(1_700_000_000_000_007, "1700000000.000007")]
    public void ToSlackTs_IsSecondsDotMicroseconds(long unixMicroseconds, string expected)
    {
        var at = DateTimeOffset.UnixEpoch.AddTicks(unixMicroseconds * TimeSpan.TicksPerMicrosecond);
        Assert.Equal(expected, SlackChatGateway.ToSlackTs(at));
        Assert.Equal("0.000000", SlackChatGateway.ToSlackTs(DateTimeOffset.MinValue));
    }

    private SlackChatGateway Gateway(bool findLostPosts = true, HttpClient? http = null)
    {
        var options = Options.Create(new SlackOptions { SigningSecret = "s", BotToken = Token, FindLostPosts = findLostPosts });
        var api = new SlackApiClient(http ?? _slack.ApiHttpClient, options, _clock, NullLogger<SlackApiClient>.Instance);
        return new SlackChatGateway(api, new BlockKitRenderer(), options, _clock, _log);
    }

    /// <summary>Other people talking in the channel after the post, one second apart.</summary>
    private async Task PostOthersAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await _slack.ApiHttpClient.PostAsync("chat.postMessage", JsonContent(new JsonObject { ["channel"] = _conversation.ChannelId, ["text"] = $"chatter {i}" }));
        }
    }

    private string Ts(TimeSpan fromNow) => SlackChatGateway.ToSlackTs(_clock.Now + fromNow);

    private static JsonNode Metadata(string eventType, string operationId, string purpose) => new JsonObject
    {
        ["event_type"] = eventType,
        ["event_payload"] = new JsonObject { ["operation_id"] = operationId, ["purpose"] = purpose },
    };

    private static StringContent JsonContent(JsonNode body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    private sealed class ListLogger<T> : ILogger<T>
    {
        private readonly List<(LogLevel Level, string Message)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
