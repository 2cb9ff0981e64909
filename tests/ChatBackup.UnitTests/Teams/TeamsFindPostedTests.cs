using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Operations;
using ChatBackup.Teams;
using ChatBackup.Teams.Authentication;
using ChatBackup.Teams.Connector;
using ChatBackup.Teams.Graph;
using ChatBackup.Testing.Teams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MsalError = Microsoft.Identity.Client.MsalError;
using MsalServiceException = Microsoft.Identity.Client.MsalServiceException;

namespace ChatBackup.UnitTests.Teams;

/// <summary>
/// A post whose answer was lost (the process died after the Bot Connector took it) is found again
/// through Microsoft Graph by the mark in its card, instead of being posted twice.
/// </summary>
public sealed class TeamsFindPostedTests : IAsyncLifetime
{
    private const string Channel = "19:ops@thread.tacv2";
    private const string ThreadRoot = "1700000000000";
    private const string GroupChat = "19:3f9a2b@thread.v2";
    private const string GraphToken = "test-graph-token";

    private static readonly MessageMark CardMark = new("op-1", MessageMark.Card);

    private readonly TeamsTokenIssuer _issuer = new();
    private readonly TrustedServiceUrls _trusted = new();
    private readonly HttpClient _http = new();
    private readonly RecordingGraphTokens _graphTokens = new();
    private readonly RecordingLogger<GraphMessageFinder> _logs = new();
    private FakeBotFrameworkServer _connector = null!;
    private FakeGraphServer _graph = null!;

    public async Task InitializeAsync()
    {
        _connector = await FakeBotFrameworkServer.StartAsync(_issuer);
        _trusted.Add(_connector.ServiceUrl);
        _graph = await FakeGraphServer.StartAsync(_connector, TeamsTestApp.AppId);
        _graph.AddTeam(Activities.TeamGroupId, Channel);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _graph.DisposeAsync();
        await _connector.DisposeAsync();
        _issuer.Dispose();
    }

    private ConversationRef InThread(string? teamGroupId = Activities.TeamGroupId) => new(
        "teams", $"{Channel};messageid={ThreadRoot}", ServiceUrl: _connector.ServiceUrl, TenantId: Activities.TenantId,
        ReplyToId: "1700000000001", TeamId: "19:team@thread.tacv2", TeamGroupId: teamGroupId);

    private ConversationRef TopLevel() => InThread() with { ChannelId = Channel, ReplyToId = null };

    private ConversationRef InGroupChat() => new("teams", GroupChat, ServiceUrl: _connector.ServiceUrl, TenantId: Activities.TenantId, ReplyToId: "1700000000005");

    private ConversationRef InPersonalChat() => new("teams", "a:1Xy9personal", ServiceUrl: _connector.ServiceUrl, TenantId: Activities.TenantId, ReplyToId: "f:msg-1");

    private TeamsChatGateway Gateway(Action<TeamsOptions>? configure = null)
    {
        var settings = new TeamsOptions { AppId = TeamsTestApp.AppId, AppPassword = "secret", GraphBaseUrl = _graph.BaseUrl };
        configure?.Invoke(settings);
        var options = Options.Create(settings);
        return new TeamsChatGateway(
            new ConnectorClient(_http, new BotToken(settings.Anonymous ? null : TeamsTestApp.BotToken), _trusted, options, TimeProvider.System, NullLogger<ConnectorClient>.Instance),
            AdaptiveCardRendererTests.Renderer,
            new GraphMessageFinder(_http, _graphTokens, new GraphWarnings(), options, TimeProvider.System, _logs),
            options);
    }

    [Fact]
    public async Task ChatSender_AfterACrashBetweenPostAndRecord_FindsTheCardInTeams_AndUpdatesItInsteadOfPostingAgain()
    {
        var gateway = Gateway();
        var store = new InMemoryOperationStore(TimeProvider.System);
        var (op, _) = await store.AddAsync(
            ChatBackup.Testing.Operations.SampleOperations.New() with { Conversation = InThread(), State = OperationState.Running }, CancellationToken.None);

        // The killed process posted the marked card and died before saving its id; its lease ran out.
        var crashed = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(30);
        var lost = await gateway.PostCardAsync(op.Conversation, SampleCards.Approval(), new MessageMark(op.Id, MessageMark.Card), CancellationToken.None);
        await store.UpdateAsync(op.Id, o => o with { Sending = new ChatSending(MessageMark.Card, crashed, crashed + TimeSpan.FromSeconds(10)) }, CancellationToken.None);
        var sender = new ChatSender(
            store, new ChatGateways(() => [gateway]), new ChatBackup.Core.Options.BackupOptions(), TimeProvider.System, NullLogger<ChatSender>.Instance);

        await sender.FlushAsync(op.Id, CancellationToken.None);

        var saved = await store.GetAsync(op.Id, CancellationToken.None);
        Assert.Equal(lost, saved!.CardMessageId);
        Assert.Single(_connector.Calls, c => c.HttpMethod == "POST");
        var update = Assert.Single(_connector.Calls, c => c.HttpMethod == "PUT");
        Assert.Equal(lost, update.ActivityId);
        Assert.NotEmpty(_graph.Calls);
    }

    [Fact]
    public async Task MarkedPost_CarriesTheMarkAsTheCardsFirstElementId_UnmarkedPostNone()
    {
        var gateway = Gateway();

        await gateway.PostCardAsync(InThread(), SampleCards.Approval(), CardMark, CancellationToken.None);
        await gateway.PostCardAsync(InThread(), SampleCards.Approval(), null, CancellationToken.None);

        var (marked, unmarked) = (_connector.Calls[0].Card!, _connector.Calls[1].Card!);
        Assert.Equal("chatbackup_message:op-1:card", marked["body"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("1.5", marked["version"]!.GetValue<string>());
        Assert.Null(unmarked["body"]![0]!["id"]);
        Assert.Equal(unmarked["body"]![0]!["text"]!.GetValue<string>(), marked["body"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task LostReplyInAChannelThread_IsFound_WithTheTenantsGraphToken()
    {
        var gateway = Gateway();
        var since = DateTimeOffset.UtcNow;
        var posted = await gateway.PostCardAsync(InThread(), SampleCards.Approval(), CardMark, CancellationToken.None);

        var found = await gateway.FindPostedAsync(InThread(), InThread().ReplyToId, CardMark, since, CancellationToken.None);

        Assert.Equal(posted, found);
        var call = Assert.Single(_graph.Calls);
        Assert.Equal($"/v1.0/teams/{Activities.TeamGroupId}/channels/{Channel}/messages/{ThreadRoot}/replies", call.Path);
        Assert.Equal("Bearer " + GraphToken, call.Authorization);
        Assert.Equal([Activities.TenantId], _graphTokens.Tenants);
    }

    [Fact]
    public async Task LostNotification_IsFoundUnderTheCard_NotMistakenForTheCard()
    {
        var gateway = Gateway();
        var since = DateTimeOffset.UtcNow;
        var notificationMark = CardMark with { Purpose = MessageMark.Notification };
        var card = await gateway.PostCardAsync(InThread(), SampleCards.Approval(), CardMark, CancellationToken.None);
        await gateway.PostNotificationAsync(InThread(), card, SampleCards.Approval(), notificationMark, CancellationToken.None);
        var notification = Assert.Single(_connector.Messages, m => m.Id != card).Id;

        var found = await gateway.FindPostedAsync(InThread(), card, notificationMark, since, CancellationToken.None);

        Assert.Equal(notification, found);
    }

    [Fact]
    public async Task LostTopLevelChannelPost_IsFoundAmongTheChannelsPosts()
    {
        var gateway = Gateway();
        var since = DateTimeOffset.UtcNow;
        var posted = await gateway.PostCardAsync(TopLevel(), SampleCards.Approval(), CardMark, CancellationToken.None);

        var found = await gateway.FindPostedAsync(TopLevel(), null, CardMark, since, CancellationToken.None);

        Assert.Equal(posted, found);
        Assert.Equal($"/v1.0/teams/{Activities.TeamGroupId}/channels/{Channel}/messages", Assert.Single(_graph.Calls).Path);
    }

    [Fact]
    public async Task LostGroupChatPost_IsFound_ListingOnlyRecentMessages()
    {
        var gateway = Gateway();
        var since = DateTimeOffset.UtcNow;
        var posted = await gateway.PostCardAsync(InGroupChat(), SampleCards.Approval(), CardMark, CancellationToken.None);

        var found = await gateway.FindPostedAsync(InGroupChat(), InGroupChat().ReplyToId, CardMark, since, CancellationToken.None);

        Assert.Equal(posted, found);
        var call = Assert.Single(_graph.Calls);
        Assert.Equal($"/v1.0/chats/{GroupChat}/messages", call.Path);
        Assert.Contains("$orderby=lastModifiedDateTime%20desc", call.Query, StringComparison.Ordinal);
        Assert.Contains("$filter=lastModifiedDateTime%20gt%20", call.Query, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("op-2", MessageMark.Card, 0)]
    [InlineData("op-1", MessageMark.Notification, 0)]
    [InlineData("op-1", MessageMark.CopyNotification, 0)]
    [InlineData("op-1", MessageMark.Card, 60)]
    public async Task OnlyTheSameOperationPurposeAndTime_Match(string operationId, string purpose, int sinceMinutesLater)
    {
        var gateway = Gateway();
        var since = DateTimeOffset.UtcNow;
        await gateway.PostCardAsync(InThread(), SampleCards.Approval(), CardMark, CancellationToken.None);

        var found = await gateway.FindPostedAsync(InThread(), InThread().ReplyToId, new MessageMark(operationId, purpose), since.AddMinutes(sinceMinutesLater), CancellationToken.None);

        Assert.Null(found);
        Assert.Single(_graph.Calls);
    }

    [Fact]
    public async Task NothingPosted_IsNotFound()
    {
        var found = await Gateway().FindPostedAsync(InGroupChat(), null, CardMark, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Null(found);
        Assert.Single(_graph.Calls);
    }

    [Fact]
    public async Task AMessageFromSomeoneElse_WithTheSameMark_IsNotTaken()
    {
        var gateway = Gateway();
        var since = DateTimeOffset.UtcNow;
        await gateway.PostCardAsync(InGroupChat(), SampleCards.Approval(), CardMark, CancellationToken.None);
        var copied = Assert.Single(_connector.Messages);
        _connector.AddMessage(copied with { Id = "1700000009999", FromBot = false });
        _connector.AddMessage(copied with { Attachments = new JsonArray() });

        var found = await gateway.FindPostedAsync(InGroupChat(), null, CardMark, since, CancellationToken.None);

        Assert.Null(found);
    }

    [Fact]
    public async Task AMatchOnALaterPage_IsFound()
    {
        var gateway = Gateway();
        var since = DateTimeOffset.UtcNow;
        var posted = await gateway.PostCardAsync(InGroupChat(), SampleCards.Approval(), CardMark, CancellationToken.None);
        AddNewerBotMessages(GroupChat, count: GraphMessageFinder.PageSize + 10);

        var found = await gateway.FindPostedAsync(InGroupChat(), null, CardMark, since, CancellationToken.None);

        Assert.Equal(posted, found);
        Assert.Equal(2, _graph.Calls.Count);
    }

    [Fact]
    public async Task ANextLinkToAnotherHost_NeverReceivesTheGraphToken()
    {
        await using var elsewhere = await FakeGraphServer.StartAsync(_connector, TeamsTestApp.AppId);
        _graph.NextLinkOrigin = new Uri(elsewhere.BaseUrl).GetLeftPart(UriPartial.Authority).Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        var gateway = Gateway();
        var since = DateTimeOffset.UtcNow;
        await gateway.PostCardAsync(InGroupChat(), SampleCards.Approval(), CardMark, CancellationToken.None);
        AddNewerBotMessages(GroupChat, count: GraphMessageFinder.PageSize + 10);

        var found = await gateway.FindPostedAsync(InGroupChat(), null, CardMark, since, CancellationToken.None);

        Assert.Null(found);
        Assert.Single(_graph.Calls);
        Assert.Empty(elsewhere.Calls);
        Assert.Contains(_logs.Messages, m => m.Contains("localhost", StringComparison.Ordinal) && !m.Contains(GraphToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PersonalChat_CannotBeLookedUp_ReturnsNull_WarningOnce()
    {
        var gateway = Gateway();

        Assert.Null(await gateway.FindPostedAsync(InPersonalChat(), null, CardMark, DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Null(await gateway.FindPostedAsync(InPersonalChat(), null, CardMark, DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.Empty(_graph.Calls);
        Assert.Single(_logs.Messages, m => m.Contains("personal chat", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChannelWithoutTheTeamsGroupId_CannotBeLookedUp_ReturnsNull()
    {
        var gateway = Gateway();
        await gateway.PostCardAsync(InThread(teamGroupId: null), SampleCards.Approval(), CardMark, CancellationToken.None);

        Assert.Null(await gateway.FindPostedAsync(InThread(teamGroupId: null), null, CardMark, DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None));

        Assert.Empty(_graph.Calls);
        Assert.Contains(_logs.Messages, m => m.Contains("aadGroupId", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, GraphMessageFinder.ChannelPermission)]
    [InlineData(true, GraphMessageFinder.ChatPermission)]
    public async Task PermissionNotGranted_ReturnsNull_AndTheWarningNamesThePermission(bool groupChat, string permission)
    {
        var gateway = Gateway();
        var conversation = groupChat ? InGroupChat() : InThread();
        await gateway.PostCardAsync(conversation, SampleCards.Approval(), CardMark, CancellationToken.None);
        _graph.Forbidden = true;

        var found = await gateway.FindPostedAsync(conversation, conversation.ReplyToId, CardMark, DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None);

        Assert.Null(found);
        Assert.Equal(403, Assert.Single(_graph.Calls).StatusCode);
        Assert.Contains(_logs.Messages, m => m.Contains(permission, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Throttling_IsARetryableError_CarryingRetryAfter()
    {
        _graph.FailNext(429, "TooManyRequests", retryAfterSeconds: 7);

        var error = await Assert.ThrowsAsync<ChatDeliveryException>(() =>
            Gateway().FindPostedAsync(InThread(), null, CardMark, DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.True(error.IsRetryable);
        Assert.Equal("TooManyRequests", error.Code);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
    }

    [Fact]
    public async Task GraphFailing_IsARetryableError()
    {
        _graph.FailNext(503, "ServiceNotAvailable");

        var error = await Assert.ThrowsAsync<ChatDeliveryException>(() =>
            Gateway().FindPostedAsync(InGroupChat(), null, CardMark, DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.True(error.IsRetryable);
        Assert.Equal("ServiceNotAvailable", error.Code);
    }

    [Fact]
    public async Task GraphUnreachable_IsARetryableError()
    {
        var error = await Assert.ThrowsAsync<ChatDeliveryException>(() =>
            Gateway(o => o.GraphBaseUrl = "http://127.0.0.1:1/v1.0/").FindPostedAsync(InGroupChat(), null, CardMark, DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.True(error.IsRetryable);
        Assert.Equal("NetworkError", error.Code);
    }

    [Fact]
    public async Task TokenRefused_ReturnsNull_WithoutCallingGraph()
    {
        _graphTokens.Failure = new MsalServiceException("invalid_client", "AADSTS7000215: Invalid client secret provided.");

        var found = await Gateway().FindPostedAsync(InGroupChat(), null, CardMark, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Null(found);
        Assert.Empty(_graph.Calls);
        Assert.Contains(_logs.Messages, m => m.Contains("invalid_client", StringComparison.Ordinal) && !m.Contains("AADSTS", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenServiceUnavailable_IsARetryableError()
    {
        _graphTokens.Failure = new MsalServiceException(MsalError.ServiceNotAvailable, "Service is unavailable to process the request");

        var error = await Assert.ThrowsAsync<ChatDeliveryException>(() =>
            Gateway().FindPostedAsync(InGroupChat(), null, CardMark, DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.True(error.IsRetryable);
        Assert.Empty(_graph.Calls);
    }

    [Fact]
    public async Task SingleTenantBot_AsksItsOwnTenantForTheGraphToken()
    {
        await Gateway(o => o.TenantId = "contoso.onmicrosoft.com").FindPostedAsync(InGroupChat(), null, CardMark, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(["contoso.onmicrosoft.com"], _graphTokens.Tenants);
    }

    [Fact]
    public void RegisteredBot_WithTheOptionOn_CanFindPosted() =>
        Assert.True(Gateway().CanFindPosted);

    [Fact]
    public async Task OptionOff_CannotFindPosted_AndNeverCallsGraph()
    {
        var gateway = Gateway(o => o.FindLostPosts = false);
        await gateway.PostCardAsync(InGroupChat(), SampleCards.Approval(), CardMark, CancellationToken.None);

        Assert.False(gateway.CanFindPosted);
        Assert.Null(await gateway.FindPostedAsync(InGroupChat(), null, CardMark, DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None));
        Assert.Empty(_graph.Calls);
    }

    [Fact]
    public void AnonymousBot_CannotFindPosted() =>
        Assert.False(Gateway(o => (o.AppId, o.AppPassword, o.AllowAnonymous) = (null, null, true)).CanFindPosted);

    /// <summary>Messages the bot posted after the one looked for, so that one is on a later page.</summary>
    private void AddNewerBotMessages(string chatId, int count)
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(1);
        for (var i = 0; i < count; i++)
        {
            var at = start.AddMilliseconds(i);
            _connector.AddMessage(new ConnectorMessage(chatId, $"17100000{i:D5}", null, at, at, new JsonArray(new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["content"] = new JsonObject { ["type"] = "AdaptiveCard" } })));
        }
    }

    private sealed class BotToken(string? token) : IBotTokenProvider
    {
        public Task<string?> GetTokenAsync(CancellationToken cancellationToken) => Task.FromResult(token);
    }

    private sealed class RecordingGraphTokens : IGraphTokenProvider
    {
        private readonly ConcurrentQueue<string> _tenants = new();

        public IReadOnlyList<string> Tenants => [.. _tenants];

        /// <summary>Thrown instead of answering, as MSAL would.</summary>
        public Exception? Failure { get; set; }

        public Task<string> GetTokenAsync(string tenantId, CancellationToken cancellationToken)
        {
            _tenants.Enqueue(tenantId);
            return Failure is null ? Task.FromResult(GraphToken) : Task.FromException<string>(Failure);
        }
    }

    private sealed class RecordingLogger<T> : ILogger<T>
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception));
    }
}
