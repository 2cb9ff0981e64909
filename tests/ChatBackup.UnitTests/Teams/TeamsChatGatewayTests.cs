using ChatBackup.Core.Chat;
using ChatBackup.Core.Operations;
using ChatBackup.Teams;
using ChatBackup.Teams.Authentication;
using ChatBackup.Teams.Connector;
using ChatBackup.Teams.Graph;
using ChatBackup.Testing.Teams;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatBackup.UnitTests.Teams;

public sealed class TeamsChatGatewayTests : IAsyncLifetime
{
    private readonly TeamsTokenIssuer _issuer = new();
    private readonly TrustedServiceUrls _trusted = new();
    private readonly HttpClient _http = new();
    private FakeBotFrameworkServer _botFramework = null!;
    private TeamsChatGateway _gateway = null!;

    private ConversationRef Conversation(string? replyToId = "1700000000001") =>
        new("teams", "19:abc@thread.tacv2", ServiceUrl: _botFramework.ServiceUrl, TenantId: Activities.TenantId, ReplyToId: replyToId);

    public async Task InitializeAsync()
    {
        _botFramework = await FakeBotFrameworkServer.StartAsync(_issuer);
        _trusted.Add(_botFramework.ServiceUrl);
        _gateway = Gateway(new TeamsOptions { AppId = TeamsTestApp.AppId, AppPassword = "secret" });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _botFramework.DisposeAsync();
        _issuer.Dispose();
    }

    private TeamsChatGateway Gateway(TeamsOptions options) => new(
        new ConnectorClient(_http, new Token(options.Anonymous ? null : TeamsTestApp.BotToken), _trusted, Options.Create(options), TimeProvider.System, NullLogger<ConnectorClient>.Instance),
        AdaptiveCardRendererTests.Renderer,
        UnusedFinder(),
        Options.Create(new TeamsOptions()));

    /// <summary>These tests never look posts up (the gateway's options have no App ID).</summary>
    private GraphMessageFinder UnusedFinder() =>
        new(_http, new NoGraphToken(), new GraphWarnings(), Options.Create(new TeamsOptions()), TimeProvider.System, NullLogger<GraphMessageFinder>.Instance);

    [Fact]
    public async Task PostCard_RepliesToTheCommand_AndReturnsTheActivityId()
    {
        var id = await _gateway.PostCardAsync(Conversation(), SampleCards.Approval(), null, CancellationToken.None);

        var call = Assert.Single(_botFramework.Calls);
        Assert.Equal("reply", call.Kind);
        Assert.Equal("1700000000001", call.ActivityId);
        Assert.Equal("activity-1", id);
        Assert.Equal("Bearer " + TeamsTestApp.BotToken, call.Authorization);
        Assert.Equal("Action.Execute", call.Card!["actions"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostCard_WithoutReplyTo_SendsToTheConversation()
    {
        await _gateway.PostCardAsync(Conversation(replyToId: null), SampleCards.Approval(), null, CancellationToken.None);
        Assert.Equal("send", Assert.Single(_botFramework.Calls).Kind);
    }

    [Fact]
    public async Task UpdateCard_PutsTheFullActivity()
    {
        await _gateway.UpdateCardAsync(Conversation(), "activity-7", SampleCards.Approval(), CancellationToken.None);

        var call = Assert.Single(_botFramework.Calls);
        Assert.Equal("PUT", call.HttpMethod);
        Assert.Equal("activity-7", call.ActivityId);
        Assert.Equal("message", call.Body!["type"]!.GetValue<string>());
        Assert.Equal("activity-7", call.Body["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Notification_RepliesToTheCard()
    {
        await _gateway.PostNotificationAsync(Conversation(), "activity-9", SampleCards.Approval(), null, CancellationToken.None);
        Assert.Equal("activity-9", Assert.Single(_botFramework.Calls).ActivityId);
    }

    [Fact]
    public async Task RateLimit_IsRetriedAfterRetryAfter()
    {
        _botFramework.FailNext(429, "TooManyRequests", retryAfterSeconds: 1);

        await _gateway.PostCardAsync(Conversation(), SampleCards.Approval(), null, CancellationToken.None);

        Assert.Equal([429, 200], _botFramework.Calls.Select(c => c.StatusCode));
    }

    [Fact]
    public async Task ServerErrors_AreRetried_ThenReportedAsRetryable()
    {
        for (var i = 0; i <= ConnectorClient.MaxRetries; i++)
        {
            _botFramework.FailNext(503, "ServiceUnavailable");
        }

        var error = await Assert.ThrowsAsync<ChatDeliveryException>(() => _gateway.PostCardAsync(Conversation(), SampleCards.Approval(), null, CancellationToken.None));

        Assert.Equal("ServiceUnavailable", error.Code);
        Assert.True(error.IsRetryable);
        Assert.Equal(ConnectorClient.MaxRetries + 1, _botFramework.Calls.Count);
    }

    [Fact]
    public async Task Refusal_CarriesTheConnectorErrorCode_AndIsNotRetryable()
    {
        _botFramework.FailNext(403, "MessageWritesBlocked");

        var error = await Assert.ThrowsAsync<ChatDeliveryException>(() => _gateway.PostCardAsync(Conversation(), SampleCards.Approval(), null, CancellationToken.None));

        Assert.Equal("MessageWritesBlocked", error.Code);
        Assert.False(error.IsRetryable);
        Assert.Single(_botFramework.Calls);
    }

    [Fact]
    public async Task UntrustedServiceUrl_NeverReceivesTheToken()
    {
        var untrusted = new TrustedServiceUrls();
        var gateway = new TeamsChatGateway(
            new ConnectorClient(_http, new Token(TeamsTestApp.BotToken), untrusted, Options.Create(new TeamsOptions { AppId = "a", AppPassword = "s" }), TimeProvider.System, NullLogger<ConnectorClient>.Instance),
            AdaptiveCardRendererTests.Renderer,
            UnusedFinder(),
            Options.Create(new TeamsOptions()));

        var error = await Assert.ThrowsAsync<ChatDeliveryException>(() => gateway.PostCardAsync(Conversation(), SampleCards.Approval(), null, CancellationToken.None));

        Assert.Equal("UntrustedServiceUrl", error.Code);
        Assert.Empty(_botFramework.Calls);
    }

    [Fact]
    public async Task Anonymous_SendsNoToken()
    {
        var gateway = Gateway(new TeamsOptions { AllowAnonymous = true });

        await gateway.PostCardAsync(Conversation(), SampleCards.Approval(), null, CancellationToken.None);

        Assert.Null(Assert.Single(_botFramework.Calls).Authorization);
    }

    [Theory]
    [InlineData("https://smba.trafficmanager.net/emea/", true)]
    [InlineData("https://smba.trafficmanager.net.evil.example/emea/", false)]
    [InlineData("http://smba.trafficmanager.net/emea/", false)]
    [InlineData("https://evil.example/", false)]
    public void TeamsConnectorHosts_AreTrusted_OthersOnlyOnceSeen(string serviceUrl, bool trusted) =>
        Assert.Equal(trusted, new TrustedServiceUrls().IsTrusted(serviceUrl));

    private sealed class Token(string? token) : IBotTokenProvider
    {
        public Task<string?> GetTokenAsync(CancellationToken cancellationToken) => Task.FromResult(token);
    }

    private sealed class NoGraphToken : IGraphTokenProvider
    {
        public Task<string> GetTokenAsync(string tenantId, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("These tests do not use Microsoft Graph.");
    }
}
