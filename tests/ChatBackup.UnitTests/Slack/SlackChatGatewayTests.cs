using ChatBackup.Core.Cards;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Operations;
using ChatBackup.Slack;
using ChatBackup.Slack.BlockKit;
using ChatBackup.Slack.SlackClient;
using ChatBackup.Testing.Slack;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatBackup.UnitTests.Slack;

public sealed class SlackChatGatewayTests : IAsyncLifetime
{
    private static readonly Card Card = new("Create AMI", CardTone.InProgress, [new TextBlock("Creating image")], "Creating AMI of web-01");
    private RecordingSlackServer _slack = null!;
    private SlackChatGateway _gateway = null!;
    private ConversationRef _conversation = null!;

    public async Task InitializeAsync()
    {
        _slack = await RecordingSlackServer.StartAsync();
        var api = new SlackApiClient(_slack.ApiHttpClient, Options.Create(new SlackOptions { SigningSecret = "s", BotToken = "xoxb-t" }), TimeProvider.System, NullLogger<SlackApiClient>.Instance);
        _gateway = new SlackChatGateway(api, new BlockKitRenderer(), Microsoft.Extensions.Options.Options.Create(new SlackOptions()), TimeProvider.System, NullLogger<SlackChatGateway>.Instance);
        _conversation = new ConversationRef("slack", "C0123OPS", ResponseUrl: _slack.ResponseUrl("cmd-1"), TeamId: "T1");
    }

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    [Fact]
    public async Task PostCard_PostsToChannel_AndReturnsTs()
    {
        var id = await _gateway.PostCardAsync(_conversation, Card, null, CancellationToken.None);

        var call = Assert.Single(_slack.Calls);
        Assert.Equal("chat.postMessage", call.Method);
        Assert.Equal("C0123OPS", call["channel"]);
        Assert.Equal("Creating AMI of web-01", call["text"]);
        Assert.Equal("1700000000.000101", id);
        Assert.Equal("slack", _gateway.Platform);
    }

    [Fact]
    public async Task MarkedCardAndNotification_CarryTheMarkAsMessageMetadata()
    {
        var cardTs = await _gateway.PostCardAsync(_conversation, Card, new MessageMark("op-7", MessageMark.Card), CancellationToken.None);
        await _gateway.PostNotificationAsync(_conversation, cardTs, Card, new MessageMark("op-7", MessageMark.Notification), CancellationToken.None);

        Assert.Collection(
            _slack.Calls,
            card =>
            {
                Assert.Equal("chatbackup_message", card.Body!["metadata"]!["event_type"]!.ToString());
                Assert.Equal("op-7", card.Body!["metadata"]!["event_payload"]!["operation_id"]!.ToString());
                Assert.Equal("card", card.Body!["metadata"]!["event_payload"]!["purpose"]!.ToString());
            },
            notification =>
            {
                Assert.Equal(cardTs, notification["thread_ts"]);
                Assert.Equal("chatbackup_message", notification.Body!["metadata"]!["event_type"]!.ToString());
                Assert.Equal("op-7", notification.Body!["metadata"]!["event_payload"]!["operation_id"]!.ToString());
                Assert.Equal("notification", notification.Body!["metadata"]!["event_payload"]!["purpose"]!.ToString());
            });
    }

    [Fact]
    public async Task UnmarkedPosts_AndResponseUrlFallbacks_CarryNoMetadata()
    {
        await _gateway.PostCardAsync(_conversation, Card, null, CancellationToken.None);
        await _gateway.PostNotificationAsync(_conversation, null, Card, null, CancellationToken.None);
        _slack.FailNext("chat.postMessage", "not_in_channel");
        var id = await _gateway.PostCardAsync(_conversation, Card, new MessageMark("op-7", MessageMark.Card), CancellationToken.None);
        await _gateway.PostNotificationAsync(_conversation, id, Card, new MessageMark("op-7", MessageMark.Notification), CancellationToken.None);

        // The refused chat.postMessage (third call) was marked; what reached the channel was not.
        Assert.Equal(["chat.postMessage", "chat.postMessage", "chat.postMessage", "response_url", "response_url"], _slack.Calls.Select(c => c.Method));
        Assert.Equal("not_in_channel", _slack.Calls[2].Error);
        Assert.All(_slack.Calls.Where(c => c.Succeeded), c => Assert.False(c.Body!.AsObject().ContainsKey("metadata"), c.ToString()));
    }

    [Theory]
    [InlineData("not_in_channel")]
    [InlineData("channel_not_found")]
    public async Task PostCard_WhenBotIsNotInChannel_TellsRequesterPrivately_AndUpdatesFollowTheResponseUrl(string error)
    {
        _slack.FailNext("chat.postMessage", error);

        var id = await _gateway.PostCardAsync(_conversation, Card, null, CancellationToken.None);

        Assert.True(SlackChatGateway.IsResponseUrlMarker(id));
        var fallback = await _slack.WaitForAsync(RecordingSlackServer.ResponseUrlMethod);
        Assert.Equal("cmd-1", fallback.ResponseUrlId);
        Assert.Equal("ephemeral", fallback["response_type"]);
        Assert.Contains("/invite @ChatBackup", fallback.Body!["blocks"]![0]!["text"]!["text"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("header", fallback.Body!["blocks"]![1]!["type"]!.ToString());
        Assert.False(fallback.HasAuthorization);

        await _gateway.UpdateCardAsync(_conversation, id, Card with { Tone = CardTone.Success }, CancellationToken.None);
        var update = _slack.Calls[^1];
        Assert.Equal(RecordingSlackServer.ResponseUrlMethod, update.Method);
        Assert.Equal("true", update["replace_original"]);
        Assert.DoesNotContain(_slack.Calls, c => c.Method == "chat.update");

        await _gateway.PostNotificationAsync(_conversation, id, Card, null, CancellationToken.None);
        Assert.Equal("in_channel", _slack.Calls[^1]["response_type"]);
    }

    [Fact]
    public async Task ResponseUrlUpdate_AfterTheUrlExpired_IsLoggedNotThrown()
    {
        _slack.FailNext(RecordingSlackServer.ResponseUrlMethod, "used_url");
        await _gateway.UpdateCardAsync(_conversation, SlackChatGateway.ResponseUrlMarker + "1", Card, CancellationToken.None);
        Assert.Equal("used_url", Assert.Single(_slack.Calls).Error);
    }

    [Fact]
    public async Task PostCard_NotInChannel_WithoutResponseUrl_ThrowsNonRetryable()
    {
        _slack.FailNext("chat.postMessage", "not_in_channel");
        var e = await Assert.ThrowsAsync<ChatDeliveryException>(() =>
            _gateway.PostCardAsync(_conversation with { ResponseUrl = null }, Card, null, CancellationToken.None));
        Assert.Equal("not_in_channel", e.Code);
        Assert.False(e.IsRetryable);
    }

    [Fact]
    public async Task UpdateCard_CallsChatUpdate()
    {
        await _gateway.UpdateCardAsync(_conversation, "1700000000.000042", Card, CancellationToken.None);
        var call = Assert.Single(_slack.Calls);
        Assert.Equal("chat.update", call.Method);
        Assert.Equal("1700000000.000042", call["ts"]);
        Assert.Equal("C0123OPS", call["channel"]);
    }

    [Fact]
    public async Task Notification_IsThreadReplyBroadcastToChannel()
    {
        await _gateway.PostNotificationAsync(_conversation, "1700000000.000042", Card, null, CancellationToken.None);
        var call = Assert.Single(_slack.Calls);
        Assert.Equal("chat.postMessage", call.Method);
        Assert.Equal("1700000000.000042", call["thread_ts"]);
        Assert.Equal("true", call["reply_broadcast"]);
    }

    [Fact]
    public async Task PostPrivate_UsesPostEphemeral()
    {
        await _gateway.PostPrivateAsync(_conversation, "U0456BOB", Card, CancellationToken.None);
        var call = Assert.Single(_slack.Calls);
        Assert.Equal("chat.postEphemeral", call.Method);
        Assert.Equal("U0456BOB", call["user"]);
    }

    [Fact]
    public async Task RateLimitExhausted_BecomesRetryableChatDeliveryException()
    {
        for (var i = 0; i < 4; i++)
        {
            _slack.RateLimitNext("chat.update", 0);
        }

        var e = await Assert.ThrowsAsync<ChatDeliveryException>(() =>
            _gateway.UpdateCardAsync(_conversation, "1.2", Card, CancellationToken.None));
        Assert.Equal("ratelimited", e.Code);
        Assert.True(e.IsRetryable);
        Assert.IsType<SlackApiException>(e.InnerException);
    }

    [Fact]
    public async Task InvalidAuth_IsNotRetryable()
    {
        _slack.FailNext("chat.postEphemeral", "invalid_auth");
        var e = await Assert.ThrowsAsync<ChatDeliveryException>(() =>
            _gateway.PostPrivateAsync(_conversation, "U1", Card, CancellationToken.None));
        Assert.Equal("invalid_auth", e.Code);
        Assert.False(e.IsRetryable);
    }
}
