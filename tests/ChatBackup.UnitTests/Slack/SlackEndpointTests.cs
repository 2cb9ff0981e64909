using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Commands;
using ChatBackup.Slack;
using ChatBackup.Testing.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatBackup.UnitTests.Slack;

/// <summary>A web app with only the Slack endpoints, fake services and a recording Slack.</summary>
public sealed class SlackEndpointTests : IAsyncLifetime
{
    private const string Secret = "test-signing-secret";
    private readonly FakeCommandService _commands = new();
    private readonly FakeActionService _actions = new();
    private readonly SlackRequestSigner _signer = new(Secret);
    private RecordingSlackServer _slack = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _slack = await RecordingSlackServer.StartAsync();
        (_app, _client) = await StartAppAsync(Secret);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _slack.DisposeAsync();
    }

    private async Task<(WebApplication, HttpClient)> StartAppAsync(string? secret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Slack:SigningSecret"] = secret,
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:ApiBaseUrl"] = _slack.ApiBaseUrl,
        });
        builder.Services.AddSlack();
        builder.Services.AddSingleton<ICommandService>(_commands);
        builder.Services.AddSingleton<IActionService>(_actions);
        var app = builder.Build();
        app.MapSlackEndpoints();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address) });
    }

    private static Card Answer(string title) => new(title, CardTone.Success, [new TextBlock("ok <@U1>")], title);

    [Fact]
    public async Task Command_IsHandled_AndAnsweredEphemerally()
    {
        _commands.Answer = (_, _) => Task.FromResult(Answer("Queued"));
        var fields = new SlackCommandFields("ami web-01 --no-reboot", ResponseUrl: "https://hooks.slack.com/commands/T/1/x");

        using var response = await _client.SendAsync(_signer.Command(fields));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", json["response_type"]!.GetValue<string>());
        Assert.Equal("Queued", json["text"]!.GetValue<string>());
        Assert.Equal("header", json["blocks"]![0]!["type"]!.GetValue<string>());

        var command = Assert.Single(_commands.Received);
        Assert.Equal("ami web-01 --no-reboot", command.Text);
        Assert.Equal(new("slack", "U0123ALICE", "alice"), command.Requester);
        Assert.Equal("C0123OPS", command.Conversation.ChannelId);
        Assert.Equal("T0123TEAM", command.Conversation.TeamId);
        Assert.Equal("https://hooks.slack.com/commands/T/1/x", command.Conversation.ResponseUrl);
        Assert.Equal("slack:T0123TEAM:1234567890.98765.abcdef", command.RequestKey);
    }

    [Fact]
    public async Task Command_IsAnsweredWithAContentLength_AndMrkdwnEntitiesAsSlackSendsThem()
    {
        _commands.Answer = (_, _) => Task.FromResult(Answer("Queued"));

        using var response = await _client.SendAsync(_signer.Command("status"));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        // Escaped once for mrkdwn; JSON needs no \u0026 for '&'.
        Assert.Contains("ok &lt;@U1&gt;", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_SentInChunks_IsVerifiedOverTheWholeBody()
    {
        _commands.Answer = (_, _) => Task.FromResult(Answer("Queued"));
        using var request = _signer.Command(new SlackCommandFields("ami web-01 --name " + new string('n', 20_000)));
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith(new string('n', 20_000), Assert.Single(_commands.Received).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedBody_SentInChunks_Is413()
    {
        using var request = _signer.Command(new SlackCommandFields(new string('x', 70 * 1024)));
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_commands.Received);
    }

    [Fact]
    public async Task Command_WithBadSignature_Is401_AndNothingRuns()
    {
        using var request = new SlackRequestSigner("wrong-secret").Command("ami web-01");
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_commands.Received);
    }

    // Just outside the 5-minute window. Both sides count whole seconds, and a second may tick between
    // signing and checking, so 301 could read as 300; 302 is outside whatever the rounding.
    [Theory]
    [InlineData(-302)]
    [InlineData(302)]
    public async Task Command_WithStaleTimestamp_Is401(int seconds)
    {
        using var response = await _client.SendAsync(_signer.Command("help", DateTimeOffset.UtcNow.AddSeconds(seconds)));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_commands.Received);
    }

    [Fact]
    public async Task Command_WithoutSignatureHeaders_Is401()
    {
        using var content = new StringContent("user_id=U1&channel_id=C1&text=help", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await _client.PostAsync(SlackRequestSigner.CommandsPath, content);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_commands.Received);
    }

    [Fact]
    public async Task OversizedBody_Is413()
    {
        var fields = new SlackCommandFields(new string('x', 70 * 1024));
        using var response = await _client.SendAsync(_signer.Command(fields));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_commands.Received);
    }

    [Fact]
    public async Task SslCheck_IsAnsweredEmpty()
    {
        using var response = await _client.SendAsync(_signer.Form(SlackRequestSigner.CommandsPath, [new("ssl_check", "1"), new("token", "x")]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        Assert.Empty(_commands.Received);
    }

    [Fact]
    public async Task Command_WithoutUser_IsAnEphemeralError_WithoutServiceCall()
    {
        using var response = await _client.SendAsync(_signer.Command(new SlackCommandFields("help", UserId: null)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ephemeral", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["response_type"]!.GetValue<string>());
        Assert.Empty(_commands.Received);
    }

    [Fact]
    public async Task Command_WhenServiceThrows_IsStill200_WithReference()
    {
        _commands.Answer = (_, _) => throw new InvalidOperationException("boom");
        using var response = await _client.SendAsync(_signer.Command("help"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        Assert.Matches(@"^Something went wrong \(ref [0-9a-f]{8}\)", text);
        Assert.DoesNotContain("boom", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_WhenServiceIsSlow_IsAnsweredWithinSlacksLimit()
    {
        _commands.Answer = async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None);
            return Answer("late");
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await _client.SendAsync(_signer.Command("help"));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"answered after {watch.Elapsed}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("longer than Slack allows", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabled_AnswersNotFound()
    {
        var (app, client) = await StartAppAsync(secret: null);
        await using (app)
        using (client)
        {
            using var command = await client.SendAsync(new SlackRequestSigner(string.Empty).Command("help"));
            using var interaction = await client.SendAsync(new SlackRequestSigner(string.Empty).Interaction("{}"));
            Assert.Equal(HttpStatusCode.NotFound, command.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, interaction.StatusCode);
            Assert.Empty(_commands.Received);
        }
    }

    [Fact]
    public async Task Click_CallsActionService_AndUpdatesTheClickedMessage()
    {
        _actions.Answer = (_, _) => Task.FromResult(new ActionReply(Answer("Approved by bob"), null));
        var payload = SlackRequestSigner.BlockActionsPayload(CardActions.Approve, "op-abcd1234", responseUrl: _slack.ResponseUrl("click-1"));

        using var response = await _client.SendAsync(_signer.Interaction(payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var action = Assert.Single(_actions.Received);
        Assert.Equal(CardActions.Approve, action.ActionId);
        Assert.Equal("op-abcd1234", action.OperationId);
        Assert.Equal("1700000000.000100", action.MessageId);
        Assert.Equal(new("slack", "U0456BOB", "bob"), action.Actor);
        Assert.Equal("C0123OPS", action.Conversation.ChannelId);
        Assert.Equal("slack:T0123TEAM:1700000001.000200", action.RequestKey);

        var update = await _slack.WaitForAsync("chat.update");
        Assert.Equal("C0123OPS", update["channel"]);
        Assert.Equal("1700000000.000100", update["ts"]);
        Assert.Equal("Approved by bob", update["text"]);
    }

    [Fact]
    public async Task Click_WithPrivateReply_PostsEphemeral_FallingBackToResponseUrl()
    {
        _actions.Answer = (_, _) => Task.FromResult(new ActionReply(null, Answer("Only approvers can decide")));
        _slack.FailNext("chat.postEphemeral", "not_in_channel");
        var payload = SlackRequestSigner.BlockActionsPayload(CardActions.Approve, "op-abcd1234", responseUrl: _slack.ResponseUrl("click-2"));

        using var response = await _client.SendAsync(_signer.Interaction(payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("U0456BOB", _slack.Calls.Single(c => c.Method == "chat.postEphemeral")["user"]);
        var fallback = await _slack.WaitForAsync(RecordingSlackServer.ResponseUrlMethod);
        Assert.Equal("ephemeral", fallback["response_type"]);
        Assert.Equal("false", fallback["replace_original"]);
        Assert.DoesNotContain(_slack.Calls, c => c.Method == "chat.update");
    }

    [Fact]
    public async Task Click_OnEphemeralMessage_ReplacesItThroughResponseUrl()
    {
        _actions.Answer = (_, _) => Task.FromResult(new ActionReply(Answer("Cancelled"), null));
        var payload = SlackRequestSigner.BlockActionsPayload(CardActions.Cancel, "op-abcd1234", responseUrl: _slack.ResponseUrl("click-3"), isEphemeral: true);

        using var response = await _client.SendAsync(_signer.Interaction(payload));

        var call = await _slack.WaitForAsync(RecordingSlackServer.ResponseUrlMethod);
        Assert.Equal("true", call["replace_original"]);
        Assert.DoesNotContain(_slack.Calls, c => c.Method == "chat.update");
    }

    [Fact]
    public async Task Click_WithUnknownActionId_IsIgnored()
    {
        using var response = await _client.SendAsync(_signer.Interaction(SlackRequestSigner.BlockActionsPayload("something.else", "op-1")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(_actions.Received);
    }

    [Fact]
    public async Task OtherPayloadTypes_AreAnsweredEmpty()
    {
        using var response = await _client.SendAsync(_signer.Interaction("""{"type":"view_submission","user":{"id":"U1"}}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        Assert.Empty(_actions.Received);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"type":"block_actions","actions":[]}""")]
    public async Task MalformedPayload_Is400(string payload)
    {
        using var response = await _client.SendAsync(_signer.Interaction(payload));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_actions.Received);
    }

    [Fact]
    public async Task MalformedPayload_WithBadSignature_Is401()
    {
        using var response = await _client.SendAsync(new SlackRequestSigner("wrong").Interaction("not json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private sealed class FakeCommandService : ICommandService
    {
        public ConcurrentQueue<ChatCommand> Received { get; } = new();

        public Func<ChatCommand, CancellationToken, Task<Card>> Answer { get; set; } = (_, _) => Task.FromResult(new Card("ok", CardTone.Neutral, [], "ok"));

        public Task<Card> HandleAsync(ChatCommand command, CancellationToken cancellationToken)
        {
            Received.Enqueue(command);
            return Answer(command, cancellationToken);
        }
    }

    private sealed class FakeActionService : IActionService
    {
        public ConcurrentQueue<ChatAction> Received { get; } = new();

        public Func<ChatAction, CancellationToken, Task<ActionReply>> Answer { get; set; } = (_, _) => Task.FromResult(new ActionReply(null, null));

        public Task<ActionReply> HandleAsync(ChatAction action, CancellationToken cancellationToken)
        {
            Received.Enqueue(action);
            return Answer(action, cancellationToken);
        }
    }
}
