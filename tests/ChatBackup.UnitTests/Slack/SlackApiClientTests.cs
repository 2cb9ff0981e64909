using System.Diagnostics;
using ChatBackup.Slack;
using ChatBackup.Slack.BlockKit;
using ChatBackup.Slack.SlackClient;
using ChatBackup.Testing.Slack;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatBackup.UnitTests.Slack;

public sealed class SlackApiClientTests : IAsyncLifetime
{
    private const string Token = "xoxb-test-token";
    private RecordingSlackServer _slack = null!;

    public async Task InitializeAsync()
    {
        _slack = await RecordingSlackServer.StartAsync();
    }

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    private SlackApiClient Client() =>
        new(_slack.ApiHttpClient, Options.Create(new SlackOptions { SigningSecret = "s", BotToken = Token, ApiBaseUrl = _slack.ApiBaseUrl }), TimeProvider.System, NullLogger<SlackApiClient>.Instance);

    private static readonly IReadOnlyList<Block> SomeBlocks = [new SectionBlock(TextObject.Mrkdwn("hi"))];

    [Fact]
    public async Task PostMessage_SendsJsonWithBearerToken_AndReturnsTs()
    {
        var ts = await Client().PostMessageAsync("C1", "fallback \"quoted\" <text>", SomeBlocks, threadTs: "1.2", replyBroadcast: true);

        var call = Assert.Single(_slack.Calls);
        Assert.Equal("chat.postMessage", call.Method);
        Assert.Equal("1700000000.000101", ts);
        Assert.Equal($"Bearer {Token}", call.Authorization);
        Assert.Equal("application/json; charset=utf-8", call.ContentType);
        Assert.Equal("C1", call["channel"]);
        Assert.Equal("fallback \"quoted\" <text>", call["text"]);
        Assert.Equal("1.2", call["thread_ts"]);
        Assert.Equal("true", call["reply_broadcast"]);
        Assert.Equal("section", call.Body!["blocks"]![0]!["type"]!.ToString());
    }

    [Fact]
    public async Task PostMessage_LeavesOutUnsetOptionalFields()
    {
        await Client().PostMessageAsync("C1", "t", null);
        var body = Assert.Single(_slack.Calls).Body!.AsObject();
        Assert.False(body.ContainsKey("thread_ts"));
        Assert.False(body.ContainsKey("reply_broadcast"));
        Assert.False(body.ContainsKey("blocks"));
        Assert.False(body.ContainsKey("metadata"));
    }

    [Fact]
    public async Task PostMessage_SendsMetadata_AsSlacksEventTypeAndPayload()
    {
        var metadata = SlackMessageMetadata.Of("chatbackup_message", new Dictionary<string, string> { ["operation_id"] = "op-1", ["purpose"] = "card" });

        await Client().PostMessageAsync("C1", "t", null, metadata: metadata);

        Assert.Equal(
            """{"event_type":"chatbackup_message","event_payload":{"operation_id":"op-1","purpose":"card"}}""",
            Assert.Single(_slack.Calls).Body!["metadata"]!.ToJsonString());
    }

    [Fact]
    public async Task History_IsAFormPostWithTheBearerToken_AndReadsMessagesMetadataAndCursor()
    {
        var marked = System.Text.Json.Nodes.JsonNode.Parse("""{"event_type":"e","event_payload":{"operation_id":"op-1"}}""");
        _slack.AddMessage("C1", "1700000001.000000", "old");
        _slack.AddMessage("C1", "1700000002.000000", "first", metadata: marked);
        _slack.AddMessage("C1", "1700000003.000000", "second");

        var page = await Client().HistoryAsync("C1", oldest: "1700000002.000000", limit: 1, cursor: null);

        var call = Assert.Single(_slack.Calls);
        Assert.Equal("conversations.history", call.Method);
        Assert.Equal($"Bearer {Token}", call.Authorization);
        Assert.Equal("application/x-www-form-urlencoded", call.ContentType);
        Assert.Equal("1700000003.000000", Assert.Single(page.Messages).Ts);
        Assert.NotNull(page.NextCursor);

        var last = await Client().HistoryAsync("C1", oldest: "1700000002.000000", limit: 1, cursor: page.NextCursor);
        var message = Assert.Single(last.Messages);
        Assert.Equal("1700000002.000000", message.Ts);
        Assert.Equal("e", message.Metadata?.EventType);
        Assert.Equal("op-1", message.Metadata?.PayloadString("operation_id"));
        Assert.Null(last.NextCursor);
    }

    [Fact]
    public async Task History_RateLimited_ThrowsAtOnce_WithSlacksFullRetryAfter()
    {
        _slack.RateLimitNext("conversations.history", retryAfterSeconds: 60);

        var e = await Assert.ThrowsAsync<SlackApiException>(() => Client().HistoryAsync("C1", "0.000000", 15, null));

        Assert.Equal("ratelimited", e.Error);
        Assert.True(e.IsRetryable);
        Assert.Equal(TimeSpan.FromSeconds(60), e.RetryAfter);
        Assert.Single(_slack.Calls);
    }

    [Fact]
    public async Task UpdateAndPostEphemeral_CallTheirMethods()
    {
        var client = Client();
        await client.UpdateAsync("C1", "1700000000.000001", "t", SomeBlocks);
        var messageTs = await client.PostEphemeralAsync("C1", "U1", "t", SomeBlocks);

        Assert.Equal(["chat.update", "chat.postEphemeral"], _slack.Calls.Select(c => c.Method));
        Assert.Equal("1700000000.000001", _slack.Calls[0]["ts"]);
        Assert.Equal("U1", _slack.Calls[1]["user"]);
        Assert.NotNull(messageTs);
    }

    [Theory]
    [InlineData("not_in_channel")]
    [InlineData("channel_not_found")]
    [InlineData("invalid_auth")]
    public async Task OkFalse_ThrowsSlackApiException_WithCode(string error)
    {
        _slack.FailNext("chat.postMessage", error);
        var e = await Assert.ThrowsAsync<SlackApiException>(() => Client().PostMessageAsync("C1", "t", null));
        Assert.Equal(error, e.Error);
        Assert.Equal("chat.postMessage", e.Method);
        Assert.False(e.IsRetryable);
    }

    [Fact]
    public async Task MissingScope_CarriesNeededAndProvided()
    {
        var handler = new StubHandler("""{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"commands"}""");
        using var http = new HttpClient(handler) { BaseAddress = new Uri("https://slack.test/api/") };
        var client = new SlackApiClient(http, Options.Create(new SlackOptions { BotToken = Token }), TimeProvider.System, NullLogger<SlackApiClient>.Instance);

        var e = await Assert.ThrowsAsync<SlackApiException>(() => client.UpdateAsync("C1", "1.2", "t", null));
        Assert.Equal("missing_scope", e.Error);
        Assert.Equal("chat:write", e.Needed);
        Assert.Equal("commands", e.Provided);
        Assert.Equal("https://slack.test/api/chat.update", handler.LastUri?.ToString());
    }

    [Fact]
    public async Task RateLimited_WaitsRetryAfter_ThenSucceeds()
    {
        _slack.RateLimitNext("chat.postMessage", retryAfterSeconds: 1);
        var watch = Stopwatch.StartNew();

        var ts = await Client().PostMessageAsync("C1", "t", null);

        Assert.NotNull(ts);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {watch.Elapsed}");
        Assert.Equal([429, 200], _slack.Calls.Select(c => c.StatusCode));
    }

    [Fact]
    public async Task RateLimited_MoreThanThreeTimes_ThrowsRetryableRatelimited()
    {
        for (var i = 0; i < 4; i++)
        {
            _slack.RateLimitNext("chat.update", retryAfterSeconds: 0);
        }

        var e = await Assert.ThrowsAsync<SlackApiException>(() => Client().UpdateAsync("C1", "1.2", "t", null));
        Assert.Equal("ratelimited", e.Error);
        Assert.True(e.IsRetryable);
        Assert.Equal(4, _slack.Calls.Count);
    }

    [Fact]
    public async Task ServerError_IsRetriedWithBackoff()
    {
        _slack.ServerErrorNext("chat.postMessage", 503);
        _slack.ServerErrorNext("chat.postMessage", 500);

        await Client().PostMessageAsync("C1", "t", null);

        Assert.Equal([503, 500, 200], _slack.Calls.Select(c => c.StatusCode));
    }

    [Fact]
    public async Task RateLimitWait_HonoursCancellation()
    {
        _slack.RateLimitNext("chat.postMessage", retryAfterSeconds: 20);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client().PostMessageAsync("C1", "t", null, cancellationToken: cts.Token));
    }

    [Fact]
    public async Task ResponseUrl_IsPostedWithoutBearerToken()
    {
        await Client().PostToResponseUrlAsync(_slack.ResponseUrl("r1"), new SlackResponseMessage("hi", SomeBlocks, SlackResponseMessage.Ephemeral, ReplaceOriginal: true));
        await Client().PostMessageAsync("C1", "t", null);

        var responseCall = _slack.Calls[0];
        Assert.Equal(RecordingSlackServer.ResponseUrlMethod, responseCall.Method);
        Assert.Equal("r1", responseCall.ResponseUrlId);
        Assert.False(responseCall.HasAuthorization);
        Assert.Equal("ephemeral", responseCall["response_type"]);
        Assert.Equal("true", responseCall["replace_original"]);
        Assert.True(_slack.Calls[1].HasAuthorization);
    }

    [Fact]
    public async Task ResponseUrl_Expired_ThrowsWithSlacksCode()
    {
        _slack.FailNext(RecordingSlackServer.ResponseUrlMethod, "expired_url");
        var e = await Assert.ThrowsAsync<SlackApiException>(() => Client().PostToResponseUrlAsync(_slack.ResponseUrl("r1"), new SlackResponseMessage("hi")));
        Assert.Equal("expired_url", e.Error);
        Assert.Equal(404, e.HttpStatus);
    }

    private sealed class StubHandler(string json) : HttpMessageHandler
    {
        public Uri? LastUri { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastUri = request.RequestUri;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(json) });
        }
    }
}
