using System.Net;
using System.Text.Json.Nodes;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Commands;
using ChatBackup.Teams.Activities;
using ChatBackup.Testing.Teams;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBackup.UnitTests.Teams;

/// <summary>What the bot does with each authenticated activity.</summary>
public sealed class TeamsActivityTests : IAsyncLifetime
{
    private readonly TeamsTokenIssuer _issuer = new();
    private FakeBotFrameworkServer _botFramework = null!;
    private TeamsTestApp _app = null!;

    private string ServiceUrl => _botFramework.ServiceUrl;

    public async Task InitializeAsync()
    {
        _botFramework = await FakeBotFrameworkServer.StartAsync(_issuer);
        _app = await TeamsTestApp.StartAsync(_botFramework);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _botFramework.DisposeAsync();
        _issuer.Dispose();
    }

    private Task<HttpResponseMessage> PostAsync(JsonObject activity) =>
        _app.PostAsync(activity, _issuer.CreateToken(TeamsTestApp.AppId, ServiceUrl));

    private static Card ApprovalCard(string operationId) => new(
        "Restore snap-0123 needs approval",
        CardTone.Warning,
        [new FactsBlock([new Fact("Snapshot", "snap-0123")])],
        "Restore needs approval",
        [
            new CardButton(CardActions.Approve, "Approve", operationId, ButtonStyle.Primary, new ConfirmDialog("Restore?", "This creates and attaches a volume.", "Restore", "Back")),
            new CardButton(CardActions.Reject, "Reject", operationId, ButtonStyle.Danger),
        ]);

    [Fact]
    public async Task Message_BecomesACommand_WithTheTeamsRequesterAndConversation()
    {
        using var response = await PostAsync(Activities.Message(ServiceUrl, "<at>ChatBackup</at>&nbsp;backup ami &quot;web 01&quot; --no-reboot"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var command = Assert.Single(_app.Commands.Received);
        Assert.Equal("ami \"web 01\" --no-reboot", command.Text);
        Assert.Equal("teams", command.Requester.Platform);
        Assert.Equal(Activities.UserAadId, command.Requester.UserId);
        Assert.Equal("Ada Lovelace", command.Requester.DisplayName);
        Assert.Equal("teams", command.Conversation.Platform);
        Assert.Equal(Activities.ConversationId, command.Conversation.ChannelId);
        Assert.Equal(ServiceUrl, command.Conversation.ServiceUrl);
        Assert.Equal(Activities.TenantId, command.Conversation.TenantId);
        Assert.Equal("1700000000001", command.Conversation.ReplyToId);
        Assert.Equal("19:team@thread.tacv2", command.Conversation.TeamId);
        Assert.Equal(Activities.TeamGroupId, command.Conversation.TeamGroupId);
        Assert.Equal("teams:1700000000001", command.RequestKey);
    }

    [Fact]
    public async Task Message_AnswerIsAnAdaptiveCardReplyToTheMessage()
    {
        using var response = await PostAsync(Activities.Message(ServiceUrl, "help"));

        var reply = await _botFramework.WaitForAsync("reply");
        Assert.Equal(Activities.ConversationId, reply.ConversationId);
        Assert.Equal("1700000000001", reply.ActivityId);
        Assert.Equal("message", reply.Body!["type"]!.GetValue<string>());
        Assert.Equal(Attachment.AdaptiveCardContentType, reply.Body["attachments"]![0]!["contentType"]!.GetValue<string>());
        Assert.Equal("AdaptiveCard", reply.Card!["type"]!.GetValue<string>());
        Assert.Equal("Queued", reply.Card["body"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Message_IsAnswered200_EvenWhenTheReplyCannotBeDelivered()
    {
        _botFramework.FailNext(403, "MessageWritesBlocked");

        using var response = await PostAsync(Activities.Message(ServiceUrl, "help"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(403, Assert.Single(_botFramework.Calls).StatusCode);
    }

    [Fact]
    public async Task Message_WhenTheCoreFails_TellsTheUserWithAReference()
    {
        _app.Commands.Answer = (_, _) => throw new InvalidOperationException("boom");

        using var response = await PostAsync(Activities.Message(ServiceUrl, "help"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = await _botFramework.WaitForAsync("reply");
        Assert.Contains("ref", reply.Card!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("boom", reply.Card.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_Approve_AnswersWithTheUpdatedCard()
    {
        _app.Actions.Answer = (a, _) => Task.FromResult(new ActionReply(new Card("Approved by Ada", CardTone.Success, [], "Approved"), null));

        using var response = await PostAsync(Activities.Execute(ServiceUrl, CardActions.Approve, "op-abcdefgh"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var action = Assert.Single(_app.Actions.Received);
        Assert.Equal(CardActions.Approve, action.ActionId);
        Assert.Equal("op-abcdefgh", action.OperationId);
        Assert.Equal("activity-card", action.MessageId);
        Assert.Equal(Activities.UserAadId, action.Actor.UserId);
        Assert.Equal("teams:f:invoke-1", action.RequestKey);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, body["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.card.adaptive", body["type"]!.GetValue<string>());
        Assert.Equal("AdaptiveCard", body["value"]!["type"]!.GetValue<string>());
        Assert.Equal("Approved by Ada", body["value"]!["body"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Execute_Refusal_AnswersWithAMessageForTheClicker()
    {
        _app.Actions.Answer = (_, _) => Task.FromResult(new ActionReply(null, MessageCards.Info("Not allowed", "Only an approver may decide.")));

        using var response = await PostAsync(Activities.Execute(ServiceUrl, CardActions.Approve, "op-abcdefgh"));

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, body["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.activity.message", body["type"]!.GetValue<string>());
        Assert.Contains("Only an approver may decide.", body["value"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_UnknownVerb_Is200WithAMessage_AndNothingHandled()
    {
        using var response = await PostAsync(Activities.Execute(ServiceUrl, "something.else", "op-abcdefgh"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.activity.message", body["type"]!.GetValue<string>());
        Assert.Empty(_app.Actions.Received);
    }

    [Fact]
    public async Task OtherInvoke_Is501()
    {
        var activity = Activities.Execute(ServiceUrl, CardActions.Approve, "op-abcdefgh");
        activity["name"] = "composeExtension/query";

        using var response = await PostAsync(activity);

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Empty(_app.Actions.Received);
    }

    [Fact]
    public async Task SubmitFallback_IsAClick_AndTheCardIsReplacedWithPut()
    {
        _app.Actions.Answer = (_, _) => Task.FromResult(new ActionReply(new Card("Rejected by Ada", CardTone.Neutral, [], "Rejected"), null));
        var activity = Activities.Message(ServiceUrl, "", "f:submit-1");
        activity["replyToId"] = "activity-card";
        activity["value"] = new JsonObject { ["operationId"] = "op-abcdefgh", ["verb"] = CardActions.Reject };

        using var response = await PostAsync(activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CardActions.Reject, Assert.Single(_app.Actions.Received).ActionId);
        Assert.Empty(_app.Commands.Received);
        var update = await _botFramework.WaitForAsync("update");
        Assert.Equal("PUT", update.HttpMethod);
        Assert.Equal("activity-card", update.ActivityId);
        Assert.Equal("activity-card", update.Body!["id"]!.GetValue<string>());
        Assert.Equal("Rejected by Ada", update.Card!["body"]![0]!["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("conversationUpdate")]
    [InlineData("installationUpdate")]
    public async Task BotAdded_StoresTheConversation_AndPostsHelpOnce(string type)
    {
        using var first = await PostAsync(Activities.BotAdded(ServiceUrl, type));
        using var second = await PostAsync(Activities.BotAdded(ServiceUrl, type == "conversationUpdate" ? "installationUpdate" : "conversationUpdate"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var sent = await _botFramework.WaitForAsync("send");
        Assert.Equal(Activities.ConversationId, sent.ConversationId);
        Assert.Equal("ChatBackup commands", sent.Card!["body"]![0]!["text"]!.GetValue<string>());
        Assert.Single(_botFramework.Calls);
        var stored = await _app.Services.GetRequiredService<ITeamsConversationStore>().FindAsync(Activities.ConversationId, CancellationToken.None);
        Assert.Equal(ServiceUrl, stored!.ServiceUrl);
        Assert.Equal(Activities.TenantId, stored.TenantId);
    }

    [Fact]
    public async Task OtherActivityTypes_Are200_AndIgnored()
    {
        var activity = Activities.Message(ServiceUrl, "");
        activity["type"] = "messageReaction";

        using var response = await PostAsync(activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(_app.Commands.Received);
        Assert.Empty(_botFramework.Calls);
    }
}

/// <summary>Routes while Teams is disabled or anonymous.</summary>
public sealed class TeamsModesTests
{
    [Fact]
    public async Task Anonymous_AcceptsActivitiesWithoutAToken_AndRepliesWithoutOne()
    {
        using var issuer = new TeamsTokenIssuer();
        await using var botFramework = await FakeBotFrameworkServer.StartAsync(issuer);
        await using var app = await TeamsTestApp.StartAsync(botFramework, anonymous: true);

        using var response = await app.PostAsync(Activities.Message(botFramework.ServiceUrl, "help"), token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(app.Commands.Received);
        var reply = await botFramework.WaitForAsync("reply");
        Assert.Null(reply.Authorization);
    }

    [Fact]
    public async Task Disabled_Answers404()
    {
        using var issuer = new TeamsTokenIssuer();
        await using var botFramework = await FakeBotFrameworkServer.StartAsync(issuer);
        await using var app = await TeamsTestApp.StartAsync(botFramework, disabled: true);

        using var response = await app.PostAsync(Activities.Message(botFramework.ServiceUrl, "help"), issuer.CreateToken(TeamsTestApp.AppId, botFramework.ServiceUrl));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(app.Commands.Received);
    }
}
